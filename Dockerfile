# Odoo 19 Community with the CRM suite's Python dependencies and the OCA addons it builds on.
# The suite's own addons are mounted at /mnt/extra-addons by docker-compose.yml.
FROM odoo:19

USER root
COPY requirements.txt oca-addons.txt pyproject.toml README.md /tmp/crm-suite/
COPY crm_engine /tmp/crm-suite/crm_engine
# The image's Python is Debian's: --break-system-packages lets pip add to it.
# OCA wheels declare a dependency on an "odoo" distribution that PyPI lacks: --no-deps,
# into a folder that odoo.conf puts on the addons path.
RUN python3 -m pip install --no-cache-dir --break-system-packages -r /tmp/crm-suite/requirements.txt \
    && python3 -m pip install --no-cache-dir --break-system-packages --no-deps /tmp/crm-suite \
    && python3 -m pip install --no-cache-dir --break-system-packages --no-deps \
        --target /opt/oca-addons -r /tmp/crm-suite/oca-addons.txt \
    && rm -rf /tmp/crm-suite

USER odoo
