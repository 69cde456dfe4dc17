"""The editable Word templates partnerkit ships (packaged as ``partnerkit.templates``)."""
