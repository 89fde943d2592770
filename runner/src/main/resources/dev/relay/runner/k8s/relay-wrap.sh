# relay-wrap.sh: Relay's wrapper around a component's command, run by the component's own image as
#   /bin/sh <dir>/bin/relay-wrap.sh ARGV...
# where <dir> is the pod's shared emptyDir. ARGV is the resolved command line: each placeholder is
# one element, never shell text, and this script only ever expands it as "$@".
# POSIX sh and builtins only; tee, cp and sleep are used when the image has them.
# Steps: run ARGV with stdout+stderr teed to <dir>/log.txt; on exit code 0 copy each fileOutputs
# path listed in <dir>/file-outputs.list into <dir>; write the exit code to <dir>/exit-code; wait
# until the publisher (a native sidecar) has written status.json and <dir>/published; exit with
# ARGV's exit code (1 if publishing failed after a success).
R="${0%/bin/*}"
log="$R/log.txt"
: >>"$log"
if [ "$#" -eq 0 ]; then
  printf 'relay: the component has no command\n' >>"$log"
  printf 'relay: the component has no command\n' >&2
  : >"$R/exec-not-found"
  code=127
elif ! command -v "$1" >/dev/null 2>&1; then
  printf 'relay: executable not found: %s\n' "$1" >>"$log"
  printf 'relay: executable not found: %s\n' "$1" >&2
  : >"$R/exec-not-found"
  code=127
else
  : >"$R/code"
  if command -v tee >/dev/null 2>&1; then
    { "$@"; printf '%s\n' "$?" >"$R/code"; } 2>&1 | tee -a "$log"
  else
    { "$@"; printf '%s\n' "$?" >"$R/code"; } 2>&1 | while IFS= read -r line || [ -n "$line" ]; do
      printf '%s\n' "$line"
      printf '%s\n' "$line" >>"$log"
    done
  fi
  code=
  read -r code <"$R/code" || :
  [ -n "$code" ] || code=1
fi
if [ "$code" = 0 ] && [ -f "$R/file-outputs.list" ]; then
  tab=$(printf '\t')
  while IFS="$tab" read -r dst src; do
    [ -n "$dst" ] || continue
    if [ -e "$src" ]; then
      cp -R "$src" "$dst" 2>>"$log" || printf 'relay: cannot copy %s\n' "$src" >>"$log"
    fi
  done <"$R/file-outputs.list"
fi
printf '%s\n' "$code" >"$R/exit-code"
while [ ! -s "$R/published" ]; do
  if command -v sleep >/dev/null 2>&1; then sleep 1; fi
done
published=
read -r published <"$R/published" || :
if [ "$published" != ok ] && [ "$code" = 0 ]; then
  printf 'relay: publishing failed: %s\n' "$published" >&2
  code=1
fi
exit "$code"
