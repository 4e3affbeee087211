# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal


class CollabCustomerPortal(CustomerPortal):
    def _document_check_access(self, model_name, document_id, access_token=None):
        """Portal pages (``/my/orders/<id>`` and its accept, decline, pay and PDF routes)
        show the whole document as superuser once this check passes. Odoo lets any user
        who may read the record through; a share must not count: for an internal user and
        a record of a company they are not a member of, only the record's own access
        token (given by its owner) opens the page."""
        env = request.env
        Model = env.get(model_name)
        if (
            Model is not None
            and not env.su
            and not env.user.share
            and "collab_shared" in Model._fields
        ):
            document_sudo = Model.sudo().browse([document_id]).exists()
            if not document_sudo:
                raise MissingError(env._("This document does not exist."))
            if document_sudo.with_env(env)._collab_foreign_ids():
                token = document_sudo.access_token
                if not access_token or not token or not consteq(token, access_token):
                    raise AccessError(env._("This document is not yours to open here."))
                return document_sudo
        return super()._document_check_access(model_name, document_id, access_token=access_token)
