"""The plumbing of `make bench BENCH_ARGS=--scale-shape` (scripts/scale_shape.py), without
running the shape: the repo's nginx site in front of two instances passes `nginx -t`, the
SMTP server keeps what arrives, and the tables say met only when nothing is lost or doubled."""

import smtplib
import subprocess
from email.message import EmailMessage

import pytest

from tests.config.nginx import free_port, nginx_or_skip, scale_shape


def test_nginx_config_for_two_instances_balances_over_both_and_passes_nginx_t(tmp_path):
    nginx_or_skip()
    shape = scale_shape()
    config = shape.write_nginx_config(
        tmp_path,
        upstreams=["127.0.0.1:8101", "127.0.0.1:8102"],
        listen=free_port(),
        mail_listen=free_port(),
        worker_connections=1024,
    )
    site = (tmp_path / "carepledge.conf").read_text()
    upstream = site[site.index("upstream carepledge_web {") : site.index("}", site.index("upstream carepledge_web {"))]
    assert "server 127.0.0.1:8101;" in upstream and "server 127.0.0.1:8102;" in upstream
    assert "web:8000" not in site
    result = shape.nginx_test(config)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # The same command that starts it, with -t: a broken directive is refused.
    site_path = tmp_path / "carepledge.conf"
    site_path.write_text(site.replace("keepalive 16;", "keepalive sixteen;"))
    assert subprocess.run(shape.nginx_command(config, "-t"), capture_output=True).returncode != 0


def test_nginx_site_needs_an_upstream_and_the_shape_it_templates(monkeypatch, tmp_path):
    shape = scale_shape()
    with pytest.raises(ValueError):
        shape.nginx_site([], listen=1, mail_listen=2)
    changed = tmp_path / "carepledge.conf"
    changed.write_text(shape.SITE.read_text().replace("server web:8000;", "server app:8000;"))
    monkeypatch.setattr(shape, "SITE", changed)
    with pytest.raises(ValueError, match="server web:8000"):
        shape.nginx_site(["127.0.0.1:1"], listen=1, mail_listen=2)


def test_mail_sink_keeps_message_id_recipient_and_confirmation_link():
    shape = scale_shape()
    port = free_port()
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "site@example.org", "Scale-1@bench.example", "Confirm"
    message["Message-ID"] = "<carepledge.7.1@example.org>"
    message.set_content("Confirm: http://127.0.0.1:9/pledges/confirm/abc:def/\nThanks")
    with shape.MailSink(port) as sink, smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)
        smtp.send_message(message)
        kept = sink.snapshot()
    one = {
        "message_id": "<carepledge.7.1@example.org>",
        "to": ["scale-1@bench.example"],
        "confirm_url": "http://127.0.0.1:9/pledges/confirm/abc:def/",
    }
    assert kept == [one, one]


def _checks(**changes):
    checks = dict.fromkeys(
        [
            "accepted_without_pledge",
            "pledges_without_confirmation_row",
            "rows_not_sent",
            "sent_rows_never_received",
            "pledges_with_two_or_more_rows",
            "message_ids_received_twice",
            "addresses_received_twice",
            "accepted_twice_in_ledger",
            "pledges_not_in_ledger",
        ],
        0,
    )
    checks.update(accepted=100, pledge_rows=100, messages_received=100, rows_sent=100, received_without_a_sent_row=0)
    return {**checks, **changes}


def _round(shape, rps):
    cores = {"web A": 0.9, "machine busy": 2.0}
    return {"shape": shape, "rps": rps, "p50_us": 1000, "p99_us": 2000, "errors": 0, "non_2xx_3xx": 0, "cores": cores}


@pytest.mark.parametrize(
    ("changes", "lost", "duplicated"),
    [({}, "met", "met"), ({"rows_not_sent": 1}, "MISSED", "met"), ({"message_ids_received_twice": 1}, "met", "MISSED")],
)
def test_report_says_met_only_with_nothing_lost_or_doubled(changes, lost, duplicated):
    shape = scale_shape()
    rounds = [_round("one", 40.0), _round("two", 36.0), _round("two", 38.0), _round("one", 42.0), _round("wide", 20.5)]
    for r in rounds:
        r["cpu_ms_per_submission"] = {"web A": 20.0, "wrk": 5.0}
    results = {"rounds": rounds, "checks": _checks(**changes), "recount": {"drifted": 0}}
    text = "\n".join(shape.report_lines(results))
    assert "| nginx, one gunicorn instance | 41.0 | 1 | 2 | 0 | 20.0 | 0.90 | 2.00 |" in text
    assert "same sitting (median rounds): 0.90" in text
    assert "One instance with twice the workers against one: 0.50" in text
    assert f"| **Lost, all kinds** | **{0 if lost == 'met' else 1}** | {lost} |" in text
    assert f"| **Duplicated, all kinds** | **{0 if duplicated == 'met' else 1}** | {duplicated} |" in text
    assert "totals drifted | 0 | met |" in text


def test_cores_count_each_backend_by_its_id():
    shape = scale_shape()
    before = {"web-a": 10.0, "backends": {1: 5.0, 2: 7.0}, "machine_busy": 100.0, "machine_total": 200.0}
    # Backend 2 ended (its time is gone, not negative), backend 3 started within the round.
    after = {"web-a": 12.0, "backends": {1: 6.0, 3: 0.5}, "machine_busy": 103.0, "machine_total": 204.0}
    used = shape.cores_used(before, after, wall=2.0)
    assert used["web A"] == pytest.approx(1.0)
    assert used["PostgreSQL"] == pytest.approx(0.75)
    assert used["machine busy"] == pytest.approx(0.75 * (shape.os.cpu_count() or 1))
