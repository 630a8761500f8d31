"""Pure scoring functions: licence openness, lock-in, maintenance, sovereignty, Art. 41 verdict."""
