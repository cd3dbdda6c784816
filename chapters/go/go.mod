module gotrio

go 1.26
