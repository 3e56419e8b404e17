"""The projects domain: public status pages that follow winning ideas until
they are realized; its blueprint is `views.bp`, registered by create_app."""
