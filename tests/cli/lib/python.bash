# Shared by the scripts in tests/cli that drive lmx from Python (sourced, not a test of its
# own: CTest registers only tests/cli/*.sh).

# find_python MODULE PACKAGE: sets $python to a python3 that imports MODULE (the first on
# PATH, or Debian's own when a PATH one lacks it), or skips (exit 77) naming the Debian
# PACKAGE that scripts/deps.sh installs for it.
find_python() {
  python=""
  local candidate
  for candidate in python3 /usr/bin/python3; do
    # shellcheck disable=SC2034 # $python is for the script
    if "$candidate" -c "import $1" 2>/dev/null; then python=$candidate; return; fi
  done
  echo "SKIP: no python3 with the $1 module (scripts/deps.sh installs $2)"
  exit 77
}
