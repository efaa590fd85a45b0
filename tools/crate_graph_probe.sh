#!/bin/sh
# Resolves (does not build) the crate graphs compared in the README's Dependencies section.
# Usage: sh crate_graph_probe.sh [REPO_DIR]   (needs cargo and the crates.io index; nothing is compiled)
set -e
REPO=$(cd "${1:-.}" && pwd)
T=$(mktemp -d)
count() { cargo tree -e normal,build --prefix none "$@" 2>/dev/null | awk '{print $1, $2}' | sort -u | wc -l; }
names() { cargo tree -e normal,build --prefix none "$@" 2>/dev/null | awk '{print $1}' | sort -u; }
cd "$REPO"
echo "Local Atlas, default (gui) build: $(($(count --locked) - 1)) crates"
echo "Local Atlas, --no-default-features: $(($(count --locked --no-default-features) - 1)) crates"
names --locked --no-default-features > "$T/cli.txt"
probe() {  # $1 = name, $2 = dependency lines
  mkdir -p "$T/$1/src" && echo 'fn main() {}' > "$T/$1/src/main.rs"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\n\n[dependencies]\n%s\n' "$1" "$2" > "$T/$1/Cargo.toml"
  cd "$T/$1"
}
for f in '"lazy"' '"lazy", "csv"'; do
  probe "probe-polars" "polars = { version = \"0.55\", default-features = false, features = [$f] }"
  n=$(($(count) - 1))
  new=$(names | comm -13 "$T/cli.txt" - | wc -l)
  net=$(names | grep -xE 'tokio|hyper|reqwest|rustls|ring|object_store' | tr '\n' ' ')
  echo "polars 0.55 [$f]: $n crates, $new not in the headless build; network stack: $net"
  rm -rf "$T/probe-polars"
done
probe "probe-proj" 'rusqlite = { version = "0.41", default-features = false, features = ["bundled"] }
proj = { version = "0.31", features = ["bundled_proj"] }'
cargo generate-lockfile 2>&1 | grep -m1 -E "links to the native library|Locking" || true
rm -rf "$T"
