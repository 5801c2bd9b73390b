"""``[network] timeout`` (ECOMOPS_NETWORK_TIMEOUT): how long a mail server's connection,
greeting and each reply, a robot's whole answer and a PostgreSQL connect may take."""

from __future__ import annotations

import pytest

from ecomops.config import NETWORK_TIMEOUT_S, load, network_timeout
from ecomops.errors import InvalidInput


def test_default_file_and_environment(tmp_path):
    none = {"ECOMOPS_CONFIG": str(tmp_path / "none.toml")}
    assert network_timeout(none) == NETWORK_TIMEOUT_S == 30
    conf = tmp_path / "config.toml"
    conf.write_text("[network]\ntimeout = 12.5\n", encoding="utf-8")
    env = {"ECOMOPS_CONFIG": str(conf)}
    assert network_timeout(env) == 12.5
    assert network_timeout({**env, "ECOMOPS_NETWORK_TIMEOUT": "3"}) == 3
    hosts = {
        **env,
        "ECOMOPS_SMTP_HOST": "smtp.example.cn",
        "ECOMOPS_IMAP_HOST": "imap.example.cn",
        "ECOMOPS_WEBHOOK_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
    }
    loaded = load(hosts)
    for settings in (loaded.smtp, loaded.imap, loaded.webhook):
        assert settings is not None and settings.timeout == 12.5


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "nan", "inf", "3601"])
def test_a_timeout_that_is_not_one_is_refused(tmp_path, raw):
    env = {"ECOMOPS_CONFIG": str(tmp_path / "none.toml"), "ECOMOPS_NETWORK_TIMEOUT": raw}
    with pytest.raises(InvalidInput, match="is not a number of seconds") as err:
        network_timeout(env)
    assert "ECOMOPS_NETWORK_TIMEOUT" in str(err.value)  # the setting named, as every bad one
