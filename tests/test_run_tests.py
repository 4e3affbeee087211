"""The test runner's reading of Odoo's logs: which failed tests of the peer part get one retry."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    spec = importlib.util.spec_from_file_location("run_tests", ROOT / "tools" / "run_tests.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


# the three ERROR lines of the CI run that failed on Odoo's crm_forecast tour (stop 19)
TOUR_FAILURE = """\
2026-12-02 17:51:40,001 26382 INFO crm_peer_20583 odoo.addons.crm.tests.test_crm_ui: \
Starting TestUi.test_03_crm_tour_forecast ...
2026-12-02 17:51:42,611 26382 ERROR crm_peer_20583 \
odoo.addons.crm.tests.test_crm_ui.TestUi.test_03_crm_tour_forecast.browser: \
FAILED: [7/21] Tour crm_forecast → Step complete name (trigger: .o_field_widget[name=name] input).
2026-12-02 17:51:42,823 26382 ERROR crm_peer_20583 odoo.addons.crm.tests.test_crm_ui: \
FAIL: TestUi.test_03_crm_tour_forecast
2026-12-02 17:52:39,341 26382 ERROR crm_peer_20583 odoo.tests.result: \
1 failed, 0 error(s) of 190 tests when loading database 'crm_peer_20583'
"""


def test_a_failed_tour_is_named_and_retried(runner):
    failed, other = runner.failed_tests(TOUR_FAILURE)
    assert failed == [("crm", "TestUi.test_03_crm_tour_forecast")]
    assert other == []
    assert runner.retryable_failures(TOUR_FAILURE) == failed


def test_errors_of_a_test_case_name_it(runner):
    out = (
        "2026-12-02 10:00:00,000 1 ERROR db odoo.addons.sale_crm.tests.test_sale_crm: "
        "ERROR: TestSaleCrm.test_a\n"
        "2026-12-02 10:00:00,000 1 ERROR db odoo.addons.sale_crm.tests.test_sale_crm: "
        "ERROR: TestSaleCrm.test_a\n"
    )
    assert runner.failed_tests(out) == ([("sale_crm", "TestSaleCrm.test_a")], [])


def test_an_error_outside_the_failed_tests_is_not_retried(runner):
    out = TOUR_FAILURE + (
        "2026-12-02 17:52:40,000 26382 ERROR crm_peer_20583 odoo.modules.loading: "
        "Some modules are not loaded\n"
    )
    failed, other = runner.failed_tests(out)
    assert failed and len(other) == 1
    assert runner.retryable_failures(out) == []


def test_many_failures_are_not_retried(runner):
    out = "".join(
        f"2026-12-02 10:00:00,000 1 ERROR db odoo.addons.crm.tests.test_crm_lead: "
        f"FAIL: TestCrmLead.test_{i}\n"
        for i in range(runner.PEER_RETRY_LIMIT + 1)
    )
    assert len(runner.failed_tests(out)[0]) == runner.PEER_RETRY_LIMIT + 1
    assert runner.retryable_failures(out) == []


def test_a_crash_without_a_named_test_is_not_retried(runner):
    out = "2026-12-02 10:00:00,000 1 CRITICAL db odoo.service.server: Failed to initialize\n"
    assert runner.retryable_failures(out) == []
