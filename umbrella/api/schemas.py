"""Schemas every router shares: the API's error bodies (their shape is in ``errors.py``)."""

from ninja import Field, Schema


class FieldProblem(Schema):
    field: str = Field(description='The field at fault; "" for the whole request.')
    message: str = Field(description="A sentence a person can read, in the request's language.")


class Problem(Schema):
    """Every 422 answer: one readable ``detail`` and the problem of each field."""

    detail: str = Field(description="A sentence a person can read, in the request's language.")
    errors: list[FieldProblem]
