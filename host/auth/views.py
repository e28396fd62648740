from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login(**kwargs):
    return "stub"


@bp.route("/logout", methods=["GET", "POST"])
def logout(**kwargs):
    return "stub"


@bp.route("/signup", methods=["GET", "POST"])
def signup(**kwargs):
    return "stub"
