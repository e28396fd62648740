from flask import Blueprint

bp = Blueprint("catalog", __name__)


@bp.route("/marketplace", methods=["GET", "POST"])
def marketplace(**kwargs):
    return "stub"


@bp.route("/marketplace/<key>", methods=["GET", "POST"])
def tool(**kwargs):
    return "stub"


@bp.route("/o/<org>/tools", methods=["GET", "POST"])
def my_tools(**kwargs):
    return "stub"
