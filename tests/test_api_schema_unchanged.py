"""The API answers as it is published: the OpenAPI schema generated now is the one stored in
tests/api/openapi_schema.yaml. A change to the API must change that file on purpose, in the same
commit (`DEBUG=1 manage.py spectacular --file tests/api/openapi_schema.yaml`)."""

from pathlib import Path

import yaml
from django.core.management import call_command

STORED = Path(__file__).parent / "api" / "openapi_schema.yaml"
MOST_DIFFERENCES_SHOWN = 40


def by_name(parameters: list[dict]) -> dict[str, dict]:
    return {f"{item.get('in', '')}:{item['name']}": item for item in parameters}


def differences(stored, generated, where="") -> list[str]:
    """Every place where two parsed schemas differ, one `where: stored → generated` line each."""
    if isinstance(stored, dict) and isinstance(generated, dict):
        found = [f"{where}[{key!r}]: removed (was {stored[key]!r:.160})" for key in stored.keys() - generated.keys()]
        found += [f"{where}[{key!r}]: added ({generated[key]!r:.160})" for key in generated.keys() - stored.keys()]
        for key in stored.keys() & generated.keys():
            found += differences(stored[key], generated[key], f"{where}[{key!r}]")
        return sorted(found)
    if isinstance(stored, list) and isinstance(generated, list):
        if all(isinstance(item, dict) and "name" in item for item in stored + generated):
            # Parameters: compared by where and what they are called, whatever their order.
            return differences(by_name(stored), by_name(generated), where)
        if len(stored) == len(generated):
            found = []
            for index, (before, now) in enumerate(zip(stored, generated, strict=True)):
                found += differences(before, now, f"{where}[{index}]")
            return found
        found = [f"{where}: item removed: {item!r:.160}" for item in stored if item not in generated]
        found += [f"{where}: item added: {item!r:.160}" for item in generated if item not in stored]
        return found or [f"{where}: {len(stored)} items → {len(generated)} items"]
    if stored != generated:
        return [f"{where or 'the schema'}: {stored!r:.160} → {generated!r:.160}"]
    return []


def test_the_generated_api_schema_is_the_published_one(tmp_path):
    generated_file = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(generated_file))

    stored = yaml.safe_load(STORED.read_text(encoding="utf-8"))
    generated = yaml.safe_load(generated_file.read_text(encoding="utf-8"))

    found = differences(stored, generated)
    shown = "\n".join(found[:MOST_DIFFERENCES_SHOWN])
    more = f"\n… and {len(found) - MOST_DIFFERENCES_SHOWN} more" if len(found) > MOST_DIFFERENCES_SHOWN else ""
    assert not found, (
        f"The API schema differs from {STORED.relative_to(Path(__file__).parent.parent)} "
        f"in {len(found)} place(s) (stored → generated now):\n{shown}{more}\n"
        "If the API is meant to change, regenerate the stored file and commit it with the change."
    )
