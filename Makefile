# The two commands a newcomer needs: `make demo` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PHOTOS ?= 150
# PostgreSQL and Redis for the integration suite; both run locally in development and in CI.
PG_URL ?= postgres://postgres@127.0.0.1:5432/imgsite
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: demo test lint typecheck migrations-check unit integration install serve worker beat bench bench-analyse bench-descriptor bench-duplicates bench-pages bench-pages-scale bench-recommend bench-drill bench-search clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## demo: install, migrate, ingest the default Commons selection, create demo users, train the tag
## suggester, build the recommender, serve on 127.0.0.1:8000
demo: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) ingest commons --until-total $(DEMO_PHOTOS)
	$(MANAGE) analyse --missing
	$(MANAGE) create_demo_users
	$(MANAGE) train_tag_suggester
	$(MANAGE) rebuild_recommender
	$(MANAGE) runserver $(HOST):$(PORT)

## test: install, lint, type-check, check migrations, run the unit suite and the integration suite
test: $(STAMP) lint typecheck migrations-check unit integration

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=imgsite.settings.test $(MANAGE) makemigrations --check --dry-run

unit: $(STAMP)
	$(BIN)/pytest -m "not integration"

# Real PostgreSQL, Redis and a Celery worker process. Skips, saying why, when they are not running;
# .ci/run sets IMGSITE_REQUIRE_SERVICES=1 so that there a missing service fails instead.
integration: $(STAMP)
	DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) $(BIN)/pytest -m integration; \
	  status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status

serve: $(STAMP)
	$(MANAGE) runserver $(HOST):$(PORT)

worker: $(STAMP)
	$(BIN)/celery -A imgsite worker --loglevel=INFO --concurrency=2

# The schedule (recommender rebuilds, the stale-work sweeper) lives in CELERY_BEAT_SCHEDULE in
# imgsite/settings/base.py. Run exactly one beat for the whole site (README, "On several machines").
beat: $(STAMP)
	$(BIN)/celery -A imgsite beat --loglevel=INFO

## bench: every benchmark; each prints its figures and ratios (none is part of `make test`)
bench: bench-analyse bench-duplicates bench-recommend bench-pages

bench-analyse: $(STAMP)
	$(BIN)/python bench/analyse.py

bench-duplicates: $(STAMP)
	$(BIN)/python bench/duplicates.py

# Needs a folder of photos with a manifest.json (default ../shared/sample-photos; SAMPLES=...).
SAMPLES ?= ../shared/sample-photos
bench-descriptor: $(STAMP)
	$(BIN)/python bench/descriptor.py --folder $(SAMPLES)

bench-recommend: $(STAMP)
	$(BIN)/python bench/recommend.py

# Needs PostgreSQL and Redis on 127.0.0.1 (see bench/README.md).
bench-pages: $(STAMP)
	$(BIN)/python bench/pages.py

# The same at 2,000, 20,000 and 100,000 photos in one run (about 40 minutes on a loaded 2-core machine).
bench-pages-scale: $(STAMP)
	$(BIN)/python bench/pages.py --scale --seconds 5 --no-tuned

# Needs PostgreSQL on 127.0.0.1 for its second half (see bench/README.md).
bench-search: $(STAMP)
	$(BIN)/python bench/search.py

# Needs PostgreSQL on 127.0.0.1 and redis-server installed (it starts its own); about 2 minutes.
bench-drill: $(STAMP)
	$(BIN)/python bench/drill.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
