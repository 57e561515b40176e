#!/usr/bin/env bash
# The .deb installs anywhere: build it with cpack, unpack it into a scratch root with dpkg -x
# (no root needed, nothing touches the system) and run the tools from there.
set -euo pipefail
build=${1:?usage: package.sh BUILD_DIR}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
(cd "$build" && cpack -G DEB -B "$scratch/pkg" >/dev/null)
deb=$(ls "$scratch"/pkg/vetkit_*.deb)
dpkg-deb --info "$deb" | grep -E "Package|Depends" | sed 's/^ *//'
dpkg -x "$deb" "$scratch/root"
"$scratch/root/usr/bin/vetimport" --version
for f in usr/bin/vetvalidate usr/bin/vet-precheck usr/share/vetkit/schemas/veteran.yaml \
         usr/share/man/man1/vetimport.1 usr/share/man/man7/vetkit.7; do
  [ -e "$scratch/root/$f" ] || { echo "missing from the package: $f"; exit 1; }
done
# The unpacked tools find their schemas beside themselves, not in this source tree.
printf '对象类别,姓名,性别,出生日期,公民身份号码\n退役士兵,张三,女,1949-12-31,11010519491231002X\n' > "$scratch/t.csv"
VETKIT_SCHEMA_DIR= "$scratch/root/usr/bin/vetimport" -q "$scratch/t.csv" | grep -q '"name":"张三"'
echo "package ok: $(basename "$deb")"
