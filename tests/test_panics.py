"""support.panics: the Go model checked against compiled Go, and the helpers that look at real processes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from support.golang import GoRun
from support.panics import (
    MAIN_GOEXIT,
    SCENARIOS,
    Call,
    Defer,
    Goexit,
    Panic,
    Print,
    Recover,
    Repanic,
    check_against_go,
    compile_go_snippet,
    decode_signal_mask,
    exception_summary,
    faulthandler_summary,
    go_call,
    go_crash_report,
    go_defer,
    go_disassemble,
    go_exit,
    go_format,
    go_panic,
    go_print,
    go_recover,
    go_run_lines,
    go_scenario_lines,
    measure_raise_costs,
    parse_signal_masks,
    random_program,
    render_go_function,
    run_goroutine,
    run_program,
    run_scenario,
)


def lines(fn, *, main=False):
    return run_goroutine(fn, main=main).lines()


# --- the model, on its own -------------------------------------------------------------------------------------


def test_deferred_calls_run_lifo_with_arguments_taken_at_defer():
    def body():
        x = 1
        go_defer(go_print, "x was", x)
        x = 2
        go_defer(go_print, "second")
        go_print("body", x)
    assert lines(body) == ["body 2", "second", "x was 1"]


def test_recover_is_nil_outside_a_panic_and_outside_a_deferred_call():
    seen = []

    def body():
        go_defer(lambda: seen.append(go_recover()))
        seen.append(go_recover())
    assert lines(body) == []
    assert seen == [None, None]


def test_recover_stops_the_panic_and_the_deferring_function_returns_normally():
    def inner():
        go_defer(lambda: go_print("got", go_recover()))
        go_panic("boom")
        go_print("never")

    def body():
        go_call(inner)
        go_print("caller goes on")
    assert lines(body) == ["got boom", "caller goes on"]


def test_recover_one_call_too_deep_or_deferred_itself_does_not_recover():
    def helper():
        return go_recover()

    def deep():
        go_defer(lambda: go_print("helper got", go_call(helper)))
        go_panic("boom")

    def bare():
        go_defer(go_recover)
        go_panic("boom")
    assert lines(deep) == ["helper got <nil>", "panic: boom", "exit status 2"]
    assert lines(bare) == ["panic: boom", "exit status 2"]


def test_the_panic_chain_is_printed_oldest_first_with_go_1_23_marks():
    def nested():
        go_defer(lambda: go_panic("second"))
        go_panic("first")

    def after():
        go_defer(lambda: (go_recover(), go_panic("second")))
        go_panic("first")

    def again():
        go_defer(lambda: go_panic(go_recover()))
        go_panic("first")
    assert run_goroutine(nested).crash == ("panic: first", "\tpanic: second")
    assert run_goroutine(after).crash == ("panic: first [recovered]", "\tpanic: second")
    assert run_goroutine(again).crash == ("panic: first [recovered, repanicked]",)


def test_deferred_closures_set_named_results_after_a_recover():
    from support.panics import current_frame

    def divide(a, b):
        frame = current_frame()
        go_defer(lambda: setattr(frame, "result", -1) if go_recover() is not None else None)
        if b == 0:
            go_panic("division by zero")
        return a // b

    def body():
        go_print(go_call(divide, 7, 2), go_call(divide, 7, 0))
    assert lines(body) == ["3 -1"]


def test_goexit_runs_the_defers_cannot_be_recovered_and_is_fatal_only_in_main():
    def body():
        go_defer(go_print, "deferred")
        go_defer(lambda: go_print("recover", go_recover()))
        go_exit()
    assert lines(body) == ["recover <nil>", "deferred"]
    assert lines(body, main=True) == ["recover <nil>", "deferred", MAIN_GOEXIT, "exit status 2"]


def test_panic_nil_and_go_formatting():
    def body():
        go_defer(lambda: go_print(go_recover()))
        go_panic(None)
    assert lines(body) == ["panic called with nil argument"]
    assert [go_format(v) for v in (None, True, False, 3, "s")] == ["<nil>", "true", "false", "3", "s"]


def test_model_functions_outside_a_goroutine_and_bad_arguments_fail_clearly():
    with pytest.raises(RuntimeError, match="inside run_goroutine"):
        go_print("x")

    def body():
        go_defer(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        run_goroutine(body)
    with pytest.raises(ValueError, match="no scenario 'nope'"):
        run_scenario("nope")
    with pytest.raises(TypeError, match="str"):
        run_scenario(3)  # type: ignore[arg-type]


# --- the model against Go ------------------------------------------------------------------------------------------


def test_every_scenario_prints_what_go_prints():
    go = go_scenario_lines(list(SCENARIOS))
    assert {name: run_scenario(name).lines() for name in SCENARIOS} == go
    assert len(SCENARIOS) >= 12


def test_random_programs_print_what_go_prints():
    rng = random.Random(13)
    programs = [random_program(rng) for _ in range(40)]
    agreement = check_against_go(programs)
    assert agreement.disagreements == ()
    assert agreement.programs == 40
    assert 0 < agreement.crashing < 40  # both kinds of case ran


def test_a_disagreement_is_reported_not_hidden(monkeypatch):
    import support.panics._differential as differential

    real = differential.run_program

    def wrong(program, case=0):
        outcome = real(program, case)
        return type(outcome)((*outcome.stdout, "an extra line"), outcome.crash, outcome.exit_status)
    monkeypatch.setattr(differential, "run_program", wrong)
    agreement = check_against_go([(Print("s1"),), (Panic("p1"),)])
    assert [d.case for d in agreement.disagreements] == [0, 1]
    assert agreement.rate == 0.0


def test_rendering_a_program_as_go():
    program = (Defer((Recover("r1"), Repanic("x2"))), Call((Print("s3"), Goexit())), Panic("p4"))
    assert render_go_function("f", program) == "\n".join([
        "func f() {", "\tdefer func() {", '\t\tfmt.Println("r1:", recover())', "\t\tif r := recover(); r != nil {",
        '\t\t\tfmt.Println("x2:", r)', "\t\t\tpanic(r)", "\t\t}", "\t}()", "\tfunc() {", '\t\tfmt.Println("s3")',
        "\t\truntime.Goexit()", "\t}()", '\tpanic("p4")', "}"])
    assert run_program(program, 5).lines() == ["== case 5", "s3", "r1: <nil>", MAIN_GOEXIT, "exit status 2"]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32))
def test_every_random_program_ends_in_one_of_gos_three_ways(seed):
    outcome = run_program(random_program(random.Random(seed)))
    last = outcome.lines()[-1]
    assert last == "(main returned)" or (last == "exit status 2" and outcome.crash)
    assert outcome.crash[:1] in [(), (MAIN_GOEXIT,)] or outcome.crash[0].startswith("panic: ")


# --- looking at the real processes ---------------------------------------------------------------------------------


def test_go_inserts_a_zero_check_before_the_division():
    listing = go_disassemble("panics/divzero", "main.divzero")
    text = [line.split(None, 2)[2] for line in listing]
    assert "CALL runtime.panicdivide(SB)" in text
    assert text.index("TESTQ BX, BX") < text.index("IDIVQ BX")
    with pytest.raises(ValueError, match="not a Go function name"):
        go_disassemble("panics/divzero", "main.divzero; rm")


def test_a_goroutine_crash_report_masks_only_ids_and_addresses():
    report = go_crash_report("panics/goroutine")
    assert report.startswith("panic: worker 2 failed [recovered, repanicked]\n")
    assert "goroutine N [running]:" in report and "in goroutine N" in report
    assert "gotrio/panics/goroutine/main.go:16" in report


def test_go_snippets_compile_outside_the_repository():
    assert compile_go_snippet("package main\n\nfunc main() {}\n") == ""
    assert "expected 'package'" in compile_go_snippet("func f() {}\n")


def test_signal_masks_decode_to_names():
    assert decode_signal_mask("0000000000001002") == ["SIGINT", "SIGPIPE"]
    masks = parse_signal_masks("Name:\tx\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\n"
                               "SigCgt:\t0000000000000002\n")
    assert masks == {"SigBlk": [], "SigIgn": ["SIGPIPE"], "SigCgt": ["SIGINT"]}
    with pytest.raises(ValueError, match="no SigBlk"):
        parse_signal_masks("SigIgn:\t0\nSigCgt:\t0\n")


def test_faulthandler_summary_keeps_the_error_and_function_names():
    stderr = ('Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f (most recent call first):\n'
              '  File "/usr/lib/python3.11/ctypes/__init__.py", line 519 in string_at\n'
              '  File "<string>", line 2 in <module>\n')
    assert faulthandler_summary(stderr) == ["Fatal Python error: Segmentation fault", "  in string_at",
                                            "  in <module>"]


def test_exception_summary_shows_groups_and_context_without_paths():
    def fail():
        raise ValueError("inner")
    try:
        try:
            fail()
        finally:
            raise ExceptionGroup("group", [KeyError("k")])
    except ExceptionGroup as exc:
        summary = exception_summary(exc)
    assert summary[:3] == ["  in test_exception_summary_shows_groups_and_context_without_paths", "  in fail",
                           "ValueError: inner"]
    assert summary[-2:] == ["+---------------- 1 ----------------", "| KeyError: 'k'"]
    assert "| KeyError: 'k'" in summary and "ExceptionGroup: group (1 sub-exception)" in summary
    assert not any("/" in line for line in summary)
    with pytest.raises(TypeError):
        exception_summary("not an exception")  # type: ignore[arg-type]


def test_go_run_lines_cuts_the_goroutine_dump():
    run = GoRun("p", "out\npanic: boom\n\tpanic: again\n\ngoroutine 1 [running]:\nmain.main()\n", 2)
    assert go_run_lines(run) == ["out", "panic: boom", "\tpanic: again", "exit status 2"]
    assert go_run_lines(GoRun("p", "a\n\nb\n", 0)) == ["a", "", "b"]


def test_measure_raise_costs_rejects_bad_settings():
    with pytest.raises(ValueError, match="depths"):
        measure_raise_costs((0,))
    with pytest.raises(ValueError, match="n must be"):
        measure_raise_costs((1,), n=0)
