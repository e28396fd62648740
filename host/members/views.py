from flask import Blueprint

bp = Blueprint("members", __name__)


@bp.route("/o/<org>/members", methods=["GET", "POST"])
def index(**kwargs):
    return "stub"
