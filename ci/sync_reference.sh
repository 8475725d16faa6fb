#!/usr/bin/env bash
# Regenerates golden/existing, the repository's copy of the existing system's reference data,
# from ../shared/reference (or the directory given as $1). Everything in golden/existing is
# written here and nowhere else: the copied files, MANIFEST.tsv, README.md and .gitattributes.
#
# Deterministic: files are visited in byte order (LC_ALL=C), large files are compressed with
# `gzip -n -9` (no name, no time stamp in the header), and nothing depends on the clock, the
# user or file modes, so two runs give identical bytes. The compressed bytes depend on gzip's
# version (Debian 12: gzip 1.12); another gzip may compress differently but decompresses to the
# same originals, which is what the tests check.
#
# Usage: ci/sync_reference.sh [SOURCE_DIR [DEST_DIR]]   then review `git status golden/existing`
# (DEST_DIR, default golden/existing, exists for the tests of this script.)
set -euo pipefail
export LC_ALL=C
caller_dir="$(pwd)"
cd "$(dirname "$0")/.."

# Arguments are relative to the caller's directory; the defaults to the repository's root.
from_caller() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$caller_dir" "$1" ;; esac; }
src=../shared/reference
dest=golden/existing
if [ $# -ge 1 ]; then src="$(from_caller "$1")"; fi
if [ $# -ge 2 ]; then dest="$(from_caller "$2")"; fi
# Larger files are gzipped; smaller ones, and every .md and .json, stay plain so they can be
# read on GitHub. 64 KiB keeps the READMEs, manifest.json, config.json and meta.json plain.
plain_max_bytes=65536
# golden/existing/README.md explains this directory, so the reference's own README.md is stored
# under another name (MANIFEST.tsv maps it back; the unpacked copy has it as README.md).
reference_readme_stored=README.reference.md

die() { echo "sync_reference: $*" >&2; exit 1; }

[ -d "$src" ] || die "$src is not a directory (the reference data to copy)"
src="$(cd "$src" && pwd -P)"
command -v gzip >/dev/null || die "gzip is missing"
command -v sha256sum >/dev/null || die "sha256sum is missing"

# Only regular files and directories can be copied faithfully.
odd="$(find "$src" ! -type f ! -type d -printf '%P\n' | head -n 5)"
[ -z "$odd" ] || die "$src holds entries that are neither files nor directories: $odd"
empty="$(find "$src" -mindepth 1 -type d -empty -printf '%P\n' | head -n 5)"
[ -z "$empty" ] || die "$src holds empty directories, which git cannot store: $empty"
bad_names="$(find "$src" \( -name $'*\t*' -o -name $'*\n*' \) -printf '%P ' | head -c 500)"
[ -z "$bad_names" ] || die "names with a tab or a newline cannot be listed in MANIFEST.tsv: $bad_names"

# The old copy is replaced wholesale, so refuse anything that does not look like one.
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ] && [ ! -f "$dest/MANIFEST.tsv" ]; then
  die "$dest is not empty and holds no MANIFEST.tsv: refusing to replace it"
fi
mkdir -p "$(dirname "$dest")"
tmp="$(mktemp -d "${dest%/}.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

manifest="$tmp/MANIFEST.tsv"
printf 'path\tsize\tsha256\tstored\tstored_sha256\n' > "$manifest"
count=0
while IFS= read -r -d '' rel; do
  file="$src/$rel"
  size="$(stat -c %s "$file")"
  sha="$(sha256_of "$file")"
  case "$rel" in
    README.md) stored="$reference_readme_stored" ;;
    MANIFEST.tsv | .gitattributes | "$reference_readme_stored")
      die "$rel would collide with a file golden/existing keeps for itself" ;;
    *.md | *.json) stored="$rel" ;;
    *) if [ "$size" -gt "$plain_max_bytes" ]; then stored="$rel.gz"; else stored="$rel"; fi ;;
  esac
  mkdir -p "$tmp/$(dirname "$stored")"
  if [ "$stored" = "$rel.gz" ]; then
    gzip -n -9 -c "$file" > "$tmp/$stored"
    # The copy must decompress to the original, byte for byte, before it is recorded.
    gzip -dc "$tmp/$stored" | cmp -s - "$file" || die "$stored does not decompress to $file"
  else
    cp "$file" "$tmp/$stored"
  fi
  chmod 0644 "$tmp/$stored"
  printf '%s\t%s\t%s\t%s\t%s\n' "$rel" "$size" "$sha" "$stored" "$(sha256_of "$tmp/$stored")" \
    >> "$manifest"
  count=$((count + 1))
done < <(find "$src" -type f -printf '%P\0' | sort -z)
[ "$count" -gt 0 ] || die "$src holds no files"

dup="$(cut -f4 "$manifest" | sort | uniq -d | head -n 5)"
[ -z "$dup" ] || die "two files would be stored under the same name: $dup"

# Text files must reach the unpacked copy byte for byte: no end-of-line conversion by git.
printf '* -text\n' > "$tmp/.gitattributes"

cat > "$tmp/README.md" <<'EOF'
# golden/existing — the existing system's reference data

An exact copy of every file of `../shared/reference` (the outputs of the existing Python
system, produced by running its original code; see `README.reference.md`), so that a clone of
this repository alone can run the agreement tests.

**Generated; never edit anything here by hand.** `ci/sync_reference.sh` writes every file of
this directory, deterministically (the same source gives the same bytes). To update it:

```sh
bash ci/sync_reference.sh            # from ../shared/reference, or: ci/sync_reference.sh DIR
git status golden/existing           # review, then commit
```

- Files larger than 64 KiB (except `.md` and `.json`) are stored gzipped (`gzip -n -9`; read
  them with `zcat` or Python's `gzip`). The others are plain.
- The reference's own `README.md` is stored as `README.reference.md`, because this file is
  `README.md`.
- `MANIFEST.tsv` lists every file: the original's relative path, size and SHA-256, the stored
  name and the SHA-256 of the stored bytes.

Before any test reads reference data, ctest's `golden_existing_unpack` fixture checks every
stored file against `MANIFEST.tsv`, unpacks the originals to `build/<preset>/reference` and
checks their SHA-256 too; a missing, extra or altered file fails it, naming the file and both
digests. `golden_existing_matches_shared_reference` checks that this copy still equals
`../shared/reference` byte for byte when that directory exists (SKIPPED otherwise).
EOF
chmod 0644 "$tmp/MANIFEST.tsv" "$tmp/.gitattributes" "$tmp/README.md"

rm -rf "$dest"
mv "$tmp" "$dest"
chmod 0755 "$dest"
trap - EXIT
echo "sync_reference: $count files from $src -> $dest" \
  "($(find "$dest" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }') bytes stored)"
