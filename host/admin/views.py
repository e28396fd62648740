from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.route("/admin/", methods=["GET", "POST"])
def index(**kwargs):
    return "stub"
