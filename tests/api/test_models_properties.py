"""Models never crash on odd data: nulls, missing fields, wrong types, unknown enums."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datto_tui.api import models
from datto_tui.api.coerce import as_bool, as_datetime, as_dict, as_int, as_str
from datto_tui.api.models import MASK, Alert, Device, Udfs

# Any JSON value.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=10,
)

DEVICE_KEYS = [
    "id", "uid", "siteId", "siteUid", "siteName", "hostname", "description", "domain",
    "deviceType", "deviceClass", "intIpAddress", "extIpAddress", "operatingSystem", "a64Bit",
    "lastLoggedInUser", "cagVersion", "displayVersion", "online", "suspended", "deleted",
    "rebootRequired", "lastSeen", "lastReboot", "lastAuditDate", "creationDate",
    "patchManagement", "antivirus", "warrantyDate", "softwareStatus", "snmpEnabled",
    "networkProbe", "onboardedViaNetworkMonitor", "portalUrl", "webRemoteUrl", "udf",
]  # fmt: skip
ALERT_KEYS = [
    "alertUid", "priority", "diagnostics", "resolved", "resolvedBy", "resolvedOn", "muted",
    "ticketNumber", "timestamp", "autoresolveMins", "alertMonitorInfo", "alertSourceInfo",
    "alertContext", "responseActions",
]  # fmt: skip
NESTED = {
    "deviceType": ["category", "type"],
    "patchManagement": [
        "patchStatus", "patchesApprovedPending", "patchesNotApproved", "patchesInstalled"
    ],
    "antivirus": ["antivirusProduct", "antivirusStatus"],
    "alertSourceInfo": ["deviceUid", "deviceName", "siteUid", "siteName"],
    "alertMonitorInfo": ["sendsEmails", "createsTicket"],
}  # fmt: skip

timestamps = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    st.just(-62_135_596_800_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.datetimes().map(lambda d: d.isoformat()),
)


def record_of(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Records with a random subset of the real keys, each holding any JSON value."""
    value_for: dict[str, st.SearchStrategy[Any]] = {}
    for key in keys:
        strategy: st.SearchStrategy[Any] = json_values
        if key in NESTED:
            strategy = st.one_of(
                json_values,
                st.fixed_dictionaries({}, optional=dict.fromkeys(NESTED[key], json_values)),
            )
        if key in ("lastSeen", "lastReboot", "lastAuditDate", "creationDate", "timestamp"):
            strategy = st.one_of(json_values, timestamps)
        if key == "udf":
            strategy = st.one_of(
                json_values,
                st.dictionaries(st.from_regex(r"udf[0-9]{1,3}", fullmatch=True), json_values),
            )
        if key == "alertContext":
            strategy = st.one_of(
                json_values,
                st.fixed_dictionaries(
                    {
                        "@class": st.one_of(
                            st.sampled_from(list(models.AlertContext.KNOWN)), json_values
                        )
                    },
                    optional={
                        "status": json_values,
                        "diskName": json_values,
                        "samples": json_values,
                    },
                ),
            )
        value_for[key] = strategy
    return st.fixed_dictionaries({}, optional=value_for)


ALL_MODELS: list[Any] = [
    models.Account,
    models.RequestRate,
    models.SystemStatus,
    models.Site,
    models.Device,
    models.Udfs,
    models.AlertContext,
    models.ResponseAction,
    models.Alert,
    models.ComponentVariable,
    models.Component,
    models.Job,
    models.JobComponent,
    models.ComponentResult,
    models.JobResult,
    models.JobOutput,
    models.LogicalDisk,
    models.DeviceAudit,
    models.Software,
    models.Filter,
    models.Activity,
]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(value=json_values)
def test_every_model_accepts_any_json_value(value: Any) -> None:
    for model in ALL_MODELS:
        record = model.from_api(value)
        repr(record)
        to_api = getattr(record, "to_api", None)
        if to_api is not None:
            to_api()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=record_of(DEVICE_KEYS))
def test_devices_with_odd_fields_never_crash_and_round_trip(data: dict[str, Any]) -> None:
    device = Device.from_api(data)
    again = Device.from_api(device.to_api(reveal_udfs=True))
    # The wire keeps milliseconds, and epoch numbers below 1e11 read as seconds, so dates
    # before 1973 cannot round-trip; everything else must, to the millisecond.
    first, second = device.to_api(reveal_udfs=True), again.to_api(reveal_udfs=True)
    for key in ("lastSeen", "lastReboot", "lastAuditDate", "creationDate"):
        if first[key] is not None and first[key] < 1e11:
            del first[key], second[key]
    assert first == second
    assert device == reference_device(data)  # the fast path gives what the readers give
    shown = repr(device.udf)
    for value in device.udf.values():
        assert f"={value}" not in shown or MASK.startswith(value)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=record_of(ALERT_KEYS))
def test_alerts_with_odd_fields_never_crash(data: dict[str, Any]) -> None:
    alert = Alert.from_api(data)
    alert.context.label  # noqa: B018
    alert.context.summary()
    assert isinstance(alert.priority_rank, int)
    Alert.from_api(alert.to_api())


@given(
    udf=st.dictionaries(
        st.from_regex(r"udf[0-9]{1,3}", fullmatch=True),
        st.one_of(st.none(), st.text(max_size=8), st.booleans(), st.integers(), st.floats()),
    )
)
def test_udfs_fast_path_matches_the_readers(udf: dict[str, Any]) -> None:
    expected = {k: t for k, v in udf.items() if (t := as_str(v)) is not None and t != ""}
    assert dict(Udfs.from_api(udf)) == expected


def test_unknown_enums_are_kept_as_given() -> None:
    device = Device.from_api({"uid": "d", "deviceClass": "rmmnetworkdevice"})
    assert device.device_class == "rmmnetworkdevice"
    alert = Alert.from_api(
        {"alertUid": "a", "priority": "Catastrophic", "alertContext": {"@class": "new_ctx", "x": 1}}
    )
    assert alert.priority == "Catastrophic" and alert.priority_rank == 6
    assert alert.context.kind == "new_ctx" and alert.context.label == "New"
    assert "x=1" in alert.context.summary()


def reference_device(data: Any) -> Device:
    """Device.from_api written plainly with the lenient readers (the contract)."""
    d = as_dict(data)
    dtype = as_dict(d.get("deviceType"))
    patch = as_dict(d.get("patchManagement"))
    av = as_dict(d.get("antivirus"))
    return Device(
        id=as_int(d.get("id")),
        uid=as_str(d.get("uid")) or "",
        site_id=as_int(d.get("siteId")),
        site_uid=as_str(d.get("siteUid")),
        site_name=as_str(d.get("siteName")),
        hostname=as_str(d.get("hostname")),
        description=as_str(d.get("description")),
        domain=as_str(d.get("domain")),
        device_category=as_str(dtype.get("category")),
        device_type=as_str(dtype.get("type")),
        device_class=as_str(d.get("deviceClass")),
        int_ip_address=as_str(d.get("intIpAddress")),
        ext_ip_address=as_str(d.get("extIpAddress")),
        operating_system=as_str(d.get("operatingSystem")),
        a64_bit=as_bool(d.get("a64Bit")),
        last_logged_in_user=as_str(d.get("lastLoggedInUser")),
        cag_version=as_str(d.get("cagVersion")),
        display_version=as_str(d.get("displayVersion")),
        online=as_bool(d.get("online")),
        suspended=as_bool(d.get("suspended")),
        deleted=as_bool(d.get("deleted")),
        reboot_required=as_bool(d.get("rebootRequired")),
        last_seen=as_datetime(d.get("lastSeen")),
        last_reboot=as_datetime(d.get("lastReboot")),
        last_audit_date=as_datetime(d.get("lastAuditDate")),
        creation_date=as_datetime(d.get("creationDate")),
        patch_status=as_str(patch.get("patchStatus")),
        patches_approved_pending=as_int(patch.get("patchesApprovedPending")),
        patches_not_approved=as_int(patch.get("patchesNotApproved")),
        patches_installed=as_int(patch.get("patchesInstalled")),
        antivirus_product=as_str(av.get("antivirusProduct")),
        antivirus_status=as_str(av.get("antivirusStatus")),
        warranty_date=as_str(d.get("warrantyDate")),
        software_status=as_str(d.get("softwareStatus")),
        snmp_enabled=as_bool(d.get("snmpEnabled")),
        network_probe=as_bool(d.get("networkProbe")),
        onboarded_via_network_monitor=as_bool(d.get("onboardedViaNetworkMonitor")),
        portal_url=as_str(d.get("portalUrl")),
        web_remote_url=as_str(d.get("webRemoteUrl")),
        udf=Udfs({k: t for k, v in as_dict(d.get("udf")).items() if (t := as_str(v))}),
    )
