#!/usr/bin/env bash
# OSS-Fuzz / ClusterFuzzLite build: builds every target with `cargo fuzz build -O` and copies the
# binaries, seed corpora and dictionary to $OUT. $SRC is the checkout's parent (as OSS-Fuzz
# lays it out); run from anywhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${OUT:?set OUT to the output folder}"
: "${SRC:=$(dirname "$(dirname "$here")")}"
cd "$here"
# OSS-Fuzz's default toolchain is nightly; elsewhere ask rustup for it.
cargo=(cargo)
if ! rustc --version | grep -q nightly && cargo +nightly --version >/dev/null 2>&1; then
  cargo=(cargo +nightly)
fi
"${cargo[@]}" fuzz build -O
triple=$(rustc -vV | sed -n 's/^host: //p')
for target in $("${cargo[@]}" fuzz list); do
  cp "target/$triple/release/$target" "$OUT/$target"
  cp xray.dict "$OUT/$target.dict"
  # Seeds: the fixture documents (read-only) and the target's regressions.
  python3 - "$OUT/${target}_seed_corpus.zip" ../fixtures/documents "regressions/$target" <<'PY'
import os, sys, zipfile
out, *dirs = sys.argv[1:]
with zipfile.ZipFile(out, "w") as z:
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in files:
                if not f.endswith(".md"):
                    p = os.path.join(root, f)
                    z.write(p, os.path.relpath(p, d).replace(os.sep, "_"))
PY
done
echo "built $("${cargo[@]}" fuzz list | wc -l) targets into $OUT"
