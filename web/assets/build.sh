#!/usr/bin/env bash
# Builds web/assets/dist (served at /assets/, embedded in the Go binary) from src/ and the npm packages
# pinned in package-lock.json, and copies axe-core into testdata/ for the browser accessibility tests.
#
# dist/ is committed, so `go build` needs no Node.js; CI runs this script and then
# `git diff --exit-code web/assets/dist` to prove that the committed files are what the sources make.
# The output depends only on the sources and the pinned packages: running it twice gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")"

# Exactly the locked packages. No install scripts: nothing here needs one (sass's optional file watcher
# would try to build itself from source).
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

govuk=node_modules/govuk-frontend/dist/govuk

# Start from nothing, so that a file no longer built does not linger in dist/.
rm -rf dist
mkdir -p dist/images testdata

# The stylesheet: GOV.UK Frontend configured as a council service, and the portal's own styles.
# --quiet-deps: GOV.UK Frontend's own deprecation warnings are for its maintainers, not for us.
node_modules/.bin/sass \
	--load-path=node_modules \
	--style=compressed \
	--no-source-map \
	--no-charset \
	--quiet-deps \
	src/app.scss dist/app.css

# The scripts: GOV.UK Frontend's ES module bundle (imported by app.js as ./govuk-frontend.min.js), without
# its source map comment (the map is not served), and the portal's own module, unminified.
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$govuk/govuk-frontend.min.js" >dist/govuk-frontend.min.js
cp src/app.js dist/app.js

# Images. GOV.UK Frontend's own favicon, icons and manifest are GOV.UK's crown and name, which a council
# service must not use, so the portal has its own neutral icon.
cp src/images/favicon.svg dist/images/favicon.svg

# axe-core, for the browser accessibility tests only: testdata/ is not embedded or served.
cp node_modules/axe-core/axe.min.js testdata/axe.min.js

echo "built: $(cd dist && find . -type f | sort | tr '\n' ' ')"
