# Two commands on a fresh machine:
#   make run    set up, migrate, load the demo commune when the database is empty, serve on http://127.0.0.1:8000
#               (make run PORT=8101; HOST=0.0.0.0 to be reached from phones on the network, QR codes included)
#   make test   set up with the test dependencies and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DOITHOAI_DATA_DIR ?= $(CURDIR)/data
# The demo keeps its SMS in the outbox (/can-bo/thu-gui/), never sent and never printed.
run: export DOITHOAI_SMS_BACKEND ?= outbox
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: run test install install-test lint browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Links, QR codes and messages use DOITHOAI_BASE_URL, or else the address served on (`serve --print-base-url`):
# the demo's receipts in the outbox are written with it too.
run: install
	@mkdir -p "$(DOITHOAI_DATA_DIR)"
	DOITHOAI_DEMO=1 $(BIN)/doithoai migrate --no-input -v 0
	DOITHOAI_DEMO=1 DOITHOAI_BASE_URL="$$(DOITHOAI_DEMO=1 $(BIN)/doithoai serve --host $(HOST) --port $(PORT) --print-base-url)" \
	  $(BIN)/doithoai demo --if-empty
	@echo "Đối thoại: Ctrl+C để dừng"
	DOITHOAI_DEMO=1 exec $(BIN)/doithoai serve --host $(HOST) --port $(PORT) --with-worker --no-migrate

# Browser tests need Debian's chromium: installed here when missing and run as root, else skipped with a message.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Cài chromium cho các bài kiểm thử trình duyệt…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
	      || echo "Không cài được chromium: các bài kiểm thử trình duyệt sẽ bị bỏ qua."; \
	  else \
	    echo "Không có /usr/bin/chromium (cần quyền root để cài): các bài kiểm thử trình duyệt sẽ bị bỏ qua."; \
	  fi; \
	fi

test: install-test browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build dist *.egg-info
