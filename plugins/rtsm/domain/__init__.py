"""rtsm's randomization in plain Python (no Flask, no database): schemes and their validation,
seeded reproducible lists, Pocock-Simon minimization and the plan simulation."""
