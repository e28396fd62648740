"""The catalog's blueprint: the public marketplace and each organization's "My tools"."""
from flask import Blueprint

bp = Blueprint("catalog", __name__)
