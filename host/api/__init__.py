def init_api(app):
    pass
