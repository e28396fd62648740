from flask import Blueprint

bp = Blueprint("tokens", __name__)


@bp.route("/o/<org>/tokens", methods=["GET", "POST"])
def index():
    return "stub"
