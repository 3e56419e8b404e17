"""The Jinja environment (inhabithon/templating.py): every global, in one plain dict."""

from __future__ import annotations

from inhabithon.templating import Environment


def test_templates_see_every_global_in_one_plain_dict(app):
    template = app.jinja_env.get_template("base.html")

    assert isinstance(app.jinja_env, Environment)
    # A dict is copied in C at each render; Jinja's ChainMap was copied key by key.
    assert type(template.globals) is dict
    for name in ("can_vote", "csrf_token", "personal", "url_for", "current_user", "_"):
        assert name in template.globals, name
