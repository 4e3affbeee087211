from . import crm_partner_attribute_import
