#!/bin/sh
# The Debian package (issue 12, item 7): built by CPack from this build, its
# metadata checked, installed into a temporary root, and its stormglass-cli
# run there on a bundled scenario.
# Usage: package_test.sh BUILD_DIR CPACK
set -eu
build=$1
cpack=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# gzip, not the package's xz: the same files, in a fraction of the time.
"$cpack" --config "$build/CPackConfig.cmake" -B "$work/out" -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip > "$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/*.deb)
echo "package: $(basename "$deb")"

fail() { echo "FAILED: $*"; exit 1; }

# Dependencies by Debian package name, found from the linked libraries.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for p in libqt6widgets6 libqt6svg6 libqcustomplot2.1-qt6 fonts-dejavu-core; do
  echo "$depends" | grep -q "$p" || fail "Depends does not name $p"
done
echo "$depends" | grep -q "libgvc6" || fail "Depends does not name Graphviz's libgvc6"

# Every file a user expects, where Debian puts it.
dpkg-deb -x "$deb" "$work/root"
root=$work/root
for f in usr/bin/stormglass usr/bin/stormglass-cli \
         usr/share/applications/org.stormglass.Stormglass.desktop \
         usr/share/metainfo/org.stormglass.Stormglass.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/stormglass.svg \
         usr/share/man/man1/stormglass.1.gz usr/share/man/man1/stormglass-cli.1.gz \
         usr/share/doc/stormglass/copyright \
         usr/share/stormglass/scenarios/default.json \
         usr/share/stormglass/scenarios/graphs/chain-db-outage.json; do
  [ -s "$root/$f" ] || fail "the package has no $f"
done
count=$(find "$root/usr/share/stormglass/scenarios" -name '*.json' | wc -l)
bundled=$(find "$(dirname "$0")/../../resources/scenarios" -name '*.json' | wc -l)
[ "$count" = "$bundled" ] || fail "$count scenarios in the package, $bundled bundled"

# Its metadata validates.
appstreamcli validate --no-net "$root/usr/share/metainfo/org.stormglass.Stormglass.metainfo.xml" ||
  fail "appstreamcli validate"
desktop-file-validate "$root/usr/share/applications/org.stormglass.Stormglass.desktop" || fail "desktop-file-validate"
zcat "$root/usr/share/man/man1/stormglass-cli.1.gz" | grep -q '^\.SH' || fail "the man page of stormglass-cli has no sections"

# The installed program runs on a bundled scenario: the default one's storm.
summary=$("$root/usr/bin/stormglass-cli" summary "$root/usr/share/stormglass/scenarios/default.json")
echo "$summary" | grep -q "^Storm: goodput fell below 95% of demand" || { echo "$summary"; fail "stormglass-cli summary"; }
echo "installed stormglass-cli summary: $(echo "$summary" | head -2 | tr '\n' ' ')"
echo "package_test: passed"
