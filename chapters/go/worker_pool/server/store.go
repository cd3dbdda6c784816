package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
)

// Store plays S3 the way the trio service's DirectoryStore does:
// each object is named by the SHA-256 of its bytes, written to
// a temporary file in the same directory, then renamed.
type Store struct {
	dir  string
	next atomic.Int64
}

func (s *Store) Put(content []byte) error {
	sum := sha256.Sum256(content)
	name := hex.EncodeToString(sum[:])
	temp := filepath.Join(s.dir, fmt.Sprintf(".%s.%d.%d.tmp",
		name, os.Getpid(), s.next.Add(1)))
	if err := os.WriteFile(temp, content, 0o644); err != nil {
		os.Remove(temp)
		return err
	}
	return os.Rename(temp, filepath.Join(s.dir, name))
}
