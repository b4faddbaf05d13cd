//! Only tests (`tests/`): run with `--features try-runtime` by `./scripts/test.sh` after the
//! end-to-end suites, on the state `tests/e2e/marketplace.test.js` saves.
