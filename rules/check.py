"""`dossier rules check CLAIMS.json`: a claim set (and ledger) as JSON text → Assessment.
Bad input is a RulesInputError naming what is wrong, never a traceback from deep inside."""
from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from core.models import Assessment, ClaimSet, Ledger

from rules.engine import assess
from rules.params import ParametersError, load_parameters


class RulesInputError(ValueError):
    pass


def _parse(model, text: str, what: str):
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()[:10])
        raise RulesInputError(f"{what} is not valid: {problems}") from exc


def check_claimset_json(text: str, ledger_text: str | None = None, params: str | None = None, *,
                        today: dt.date | None = None, now: dt.datetime | None = None) -> Assessment:
    claims = _parse(ClaimSet, text, "claim set")
    ledger = _parse(Ledger, ledger_text, "ledger") if ledger_text else Ledger()
    try:
        parameters = load_parameters(params)
    except ParametersError as exc:
        raise RulesInputError(str(exc)) from exc
    return assess(claims, ledger, parameters, today=today, now=now)
