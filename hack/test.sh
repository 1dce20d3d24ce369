#!/usr/bin/env bash
# The project's test command (`npm test`): fetches the real programs the tests use when they are missing,
# typechecks the whole workspace, then runs every package's tests in one node:test run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
hack/install-tools.sh
export PATH="$root/.tools/bin:$PATH"
export TMPDIR=/dev/shm
npx --no-install tsc -p tsconfig.json --noEmit
shopt -s nullglob
files=(shared/*/test/*.test.ts controllers/*/test/*.test.ts test/*.test.ts)
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}"
