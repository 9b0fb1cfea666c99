# SCO Explainer. Two commands on a fresh machine:  make serve   and   make test
# Every target creates .venv from requirements.txt when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT ?= 8000
SNAPSHOTS ?= ../shared/sources
export NO_MKDOCS_2_WARNING := 1
# Bytecode is written beside the sources (__pycache__/, ignored by git) and the installed
# packages' own bytecode is used: compiling on every build cost about 40 ms.
unexport PYTHONDONTWRITEBYTECODE
# Compiled Python is loaded as code without its source being read again, so none may come
# from a commit: every target that runs Python first refuses to run while git tracks a
# bytecode file, a __pycache__ folder, or anything under .venv/ or node_modules/ (see `guard`).
UNTRUSTED := '*.py[co]' '*__pycache__*' '.venv' '.venv/*' 'node_modules' 'node_modules/*'

NPM_STAMP := node_modules/.package-lock.json

.PHONY: serve build offline test check verify-quotes fingerprint schema pages-table browser chromium java bench screenshots preview lighthouse lock clean help guard

help:
	@echo "make serve          build and serve the site on http://127.0.0.1:8000 (reloads on data edits)"
	@echo "make build          strict build into site/ (replaced only when the build succeeds)"
	@echo "make offline        site-offline/ and sco-explainer-offline.zip, for opening from disk"
	@echo "make test           the whole test suite, browser tests included"
	@echo "make check          validate the data (file:line errors)"
	@echo "make verify-quotes  check quotes against source texts (SNAPSHOTS=dir), else their fingerprints"
	@echo "make fingerprint    fingerprints/SOURCE.txt from a source's text (SOURCE=id TEXT=path)"
	@echo "make schema         regenerate JSON Schemas in schema/"
	@echo "make pages-table    regenerate CONTRIBUTING.md's table of which page shows which topic"
	@echo "make bench          benchmarks (not part of make test)"
	@echo "make screenshots    theme page screenshots, light and dark, phone and desktop"
	@echo "make preview        serve site/ as a static host would (gzip, cache headers) on 127.0.0.1:PORT (8000)"
	@echo "make lighthouse     Lighthouse scores of the main pages, served by make preview's server"
	@echo "make browser        Debian's chromium-headless-shell, for the browser tests (make test installs it)"
	@echo "make chromium       Debian's chromium, for make screenshots and make lighthouse (they install it)"

guard:
	@tracked="$$(git ls-files -- $(UNTRUSTED) 2>/dev/null)"; \
	if [ -n "$$tracked" ]; then \
	  echo "Refusing to run: git tracks compiled Python, virtualenv or node_modules files, which would be run as code:" >&2; \
	  echo "$$tracked" | head -n 20 | sed 's/^/  /' >&2; \
	  echo "Remove them from the commit (git rm -r --cached PATH) and run make again." >&2; \
	  exit 1; \
	fi

$(STAMP): requirements.txt | guard
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.txt
	touch $(STAMP)

# Debian's Chromium headless shell for the browser tests (tests/browserkit.py), and Debian's full Chromium for
# the screenshots and Lighthouse; nothing downloads a browser of its own.
browser:
	@command -v chromium-headless-shell >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium-headless-shell for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium-headless-shell fonts-dejavu-core >/dev/null; }

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the screenshots and Lighthouse"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }

# Debian's Java for the Nu Html Checker, which the tests run on every built page.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java runtime for the HTML checker"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null; }

# Test and benchmark tools from npm, pinned in package-lock.json. --ignore-scripts: vnu-jar's install
# script would download a Java runtime; Debian's is used instead.
$(NPM_STAMP): package-lock.json | guard
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's Node.js and npm for the test tools"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

serve: guard $(STAMP)
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

build: guard $(STAMP)
	$(BIN)/python -m macros.sitebuild online site

offline: guard $(STAMP)
	$(BIN)/python -m macros.sitebuild offline site-offline

# The data check and yamllint's style check run side by side (yamllint alone took 0.9 s of 2.3); both always run,
# yamllint's report printed after the data check's (in colour on a terminal, as yamllint prints it there), and the
# target fails if either found a problem.
check: guard $(STAMP)
	@echo "$(BIN)/python -m macros check --cited & $(BIN)/yamllint --strict data templates"
	@lint=$$(mktemp); trap 'rm -f "$$lint"' EXIT; format=standard; [ -t 1 ] && format=colored; \
	$(BIN)/yamllint --strict -f $$format data templates > "$$lint" 2>&1 & pid=$$!; \
	$(BIN)/python -m macros check --cited; status=$$?; \
	wait $$pid || status=1; cat "$$lint"; exit $$status

verify-quotes: guard $(STAMP)
	$(BIN)/python -m macros verify-quotes $(SNAPSHOTS)

# A new source's fingerprint, from its full text (which stays outside the repository).
fingerprint: guard $(STAMP)
	@test -n "$(SOURCE)" -a -n "$(TEXT)" || { echo "usage: make fingerprint SOURCE=source-id TEXT=path/to/text.txt"; exit 2; }
	$(BIN)/python -m macros fingerprint "$(SOURCE)" "$(TEXT)"

schema: guard $(STAMP)
	$(BIN)/python -m macros schema

# CONTRIBUTING.md's table of which page shows the facts of which topic, from what a build shows.
pages-table: guard $(STAMP)
	$(BIN)/python -m macros pages --write

# Two workers (TEST_WORKERS=0: one process), each test file whole on one of them, longest files first
# (tests/conftest.py): the browser sweep, the serve loop and the builds overlap.
TEST_WORKERS ?= 2
test: guard $(STAMP) browser java $(NPM_STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(ARGS)

bench: guard $(STAMP)
	$(BIN)/python -m bench.run

screenshots: build chromium
	$(BIN)/python -m tests.screenshots screenshots $(ARGS)

preview: build
	$(BIN)/python -m macros.preview site --port $(PORT)

# A benchmark, not a test: LIGHTHOUSE_RUNS (default 3) runs per page; ARGS=--readme updates README.md.
lighthouse: build $(NPM_STAMP) chromium
	$(BIN)/python -m bench.lighthouse $(ARGS)

# requirements.txt: every package pinned with the hashes of its files, resolved from requirements.in by
# pip-tools in a throwaway venv; installs then use --require-hashes. Dependabot (pip) keeps it current.
LOCK_VENV := $(or $(TMPDIR),/tmp)/sco-lock-venv
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2
	$(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.txt requirements.in
	rm -rf $(LOCK_VENV)

clean:
	rm -rf site site-offline *.zip build .pytest_cache
