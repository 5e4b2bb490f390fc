# The two commands a user needs are `make demo` and `make test`; both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/alibabacloud/apig
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
# The credential chain's ECS metadata probe would wait on an address that does not exist here.
export ALIBABA_CLOUD_ECS_METADATA_DISABLED := true

.PHONY: help venv collection demo test lint unit integration dist clean

help:
	@echo "make demo   run the collection's playbooks against the local emulator"
	@echo "make test   run every test of the collection"
	@echo "make dist   build the collection tarball into .build/dist/"

$(BIN)/.installed: requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

venv: $(BIN)/.installed

# ansible-playbook finds the collection through ANSIBLE_COLLECTIONS_PATH; a link keeps it in step with the tree.
collection: venv
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: venv
	$(BIN)/python -m pytest tests/unit

integration: collection
	$(BIN)/python -m pytest tests/integration

test: collection
	$(BIN)/python tests/run_all.py

demo: collection
	$(BIN)/python demo/run.py

# The tarball users install (ansible-galaxy collection install .build/dist/alibabacloud-apig-<version>.tar.gz).
dist: venv
	$(BIN)/ansible-galaxy collection build --force --output-path .build/dist .

clean:
	rm -rf $(VENV) .venv-tools .build
