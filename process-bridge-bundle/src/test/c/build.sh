#!/bin/sh
# Compiles every fixture CPI (one program per .c file) into the output directory, plus a
# shared library that gcc leaves executable, for the installer's "never claim a library" test.
# Usage: build.sh SOURCE_DIR OUTPUT_DIR
set -eu
src=$1
out=$2
cc=${CC:-gcc}
mkdir -p "$out"
for c in "$src"/*.c; do
    name=$(basename "$c" .c)
    if [ ! -e "$out/$name" ] || [ "$c" -nt "$out/$name" ] || [ -n "$(find "$src" -maxdepth 1 -name "*.h" -newer "$out/$name")" ]; then
        "$cc" -std=c99 -D_DEFAULT_SOURCE -O1 -Wall -Wextra -o "$out/$name" "$c"
    fi
done
if [ ! -e "$out/libfixture.so" ] || [ "$src/lib/fixture-lib.c" -nt "$out/libfixture.so" ]; then
    "$cc" -std=c99 -O1 -shared -fPIC -o "$out/libfixture.so" "$src/lib/fixture-lib.c"
fi
