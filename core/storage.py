from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # static/js/app.js imports the NHS.UK frontend module; rewrite that import to the
    # hashed file name too, or the browser would fetch a file that is not there.
    support_js_module_import_aggregation = True
