"""Every exception newsmeta raises derives from NewsmetaError and pickles to an equal one,
so that it crosses a process pool or a Dask cluster (a worker's failure reaches the caller
as what it was)."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil

import pytest

import newsmeta
from newsmeta.errors import NewsmetaError
from newsmeta.problems import Problem, Severity

PROBLEM = Problem("schema-required", Severity.ERROR, "The key 'title' is missing.", "", 2, 1, 2, 4)

#: A value for each constructor parameter, by name: a new exception class whose
#: constructor takes a parameter not listed here fails the test until it is added.
SAMPLES: dict[str, object] = {
    "path": "content/2024-03-05-a.md",
    "reason": "it changed on disk since it was loaded",
    "problems": [PROBLEM],
    "failures": [("/provider/images/0/width", "must be an integer")],
    "what": "image",
    "cause": "the value holds the anchor '&a' at line 3",
    "lines": [3, 7],
    "message": "does not read back as the intended data",
    "expected": {"title": "A"},
    "actual": {"title": "B"},
    "deleted": True,
    "busy": True,
    "mode": 0o444,
    "writable_by_someone": True,
    "lost": ["owner", "user.origin"],
    "limit": 4096,
    "output": "stopped at a.md\n",
    "status": 3,
}


def _public_modules() -> list[str]:
    names = ["newsmeta"]
    for module in pkgutil.walk_packages(newsmeta.__path__, "newsmeta."):
        leaf = module.name.rsplit(".", 1)[-1]
        if module.name.startswith(("newsmeta.cli", "newsmeta.lsp")):
            continue  # the command line's UsageError and the server's are not raised to callers
        if leaf.startswith("_") and leaf != "_files":  # _files: load() raises its error
            continue
        names.append(module.name)
    return names


def _exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _public_modules():
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional extra that is not installed
            continue
        for attribute in getattr(module, "__all__", ()):
            value = getattr(module, attribute)
            if isinstance(value, type) and issubclass(value, BaseException):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    pending = [NewsmetaError]
    while pending:
        cls = pending.pop()
        found[f"{cls.__module__}.{cls.__qualname__}"] = cls
        pending.extend(cls.__subclasses__())
    return [found[key] for key in sorted(found)]


CLASSES = _exception_classes()


def _instance(cls: type[BaseException]) -> BaseException:
    init = cls.__init__
    if not inspect.isfunction(init):
        return cls("something went wrong")
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for name, parameter in list(inspect.signature(init).parameters.items())[1:]:
        assert name in SAMPLES, f"{cls.__name__}({name}=...): add a sample value for {name!r}"
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = SAMPLES[name]
        else:
            args.append(SAMPLES[name])
    return cls(*args, **kwargs)


def _state(exc: BaseException) -> tuple[object, ...]:
    os_fields = (exc.errno, exc.strerror, exc.filename) if isinstance(exc, OSError) else ()
    return type(exc), str(exc), exc.args, vars(exc), os_fields


def test_the_public_exceptions_are_found() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"ConfigError", "ConcurrentModificationError", "NoInputError", "JqError"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_public_exception_derives_from_newsmeta_error(cls: type[BaseException]) -> None:
    assert issubclass(cls, NewsmetaError)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_public_exception_pickles_to_an_equal_one(cls: type[BaseException]) -> None:
    exc = _instance(cls)
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        again = pickle.loads(pickle.dumps(exc, protocol=protocol))
        assert _state(again) == _state(exc)


def test_a_pickled_exception_keeps_attributes_set_after_it_was_made() -> None:
    exc = _instance(newsmeta.ConcurrentModificationError)
    exc.add_note("while saving the batch")
    again = pickle.loads(pickle.dumps(exc))
    assert again.__notes__ == ["while saving the batch"]
    assert again.deleted
    assert again.busy


def test_an_exception_crosses_a_process_pool() -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1) as pool:
        future = pool.submit(_raise_read_only, "a.md")
        with pytest.raises(newsmeta.ReadOnlyFileError) as caught:
            future.result()
    assert caught.value.path == "a.md"
    assert caught.value.mode == 0o444
    assert isinstance(caught.value, PermissionError)


def _raise_read_only(path: str) -> None:
    raise newsmeta.ReadOnlyFileError(path, 0o444)
