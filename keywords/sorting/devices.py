"""A player's device class from the user agent, for the live counts: pure.

Only the class is stored (phone, tablet, computer), never the user-agent string: it is
enough to see whether the game reaches people on their phones, and identifies no one.
"""

from .models import DeviceClass

_TABLET = ("ipad", "tablet", "kindle", "silk/", "playbook")
_PHONE = ("iphone", "ipod", "mobi", "windows phone", "blackberry", "opera mini")


def device_class(user_agent: str | None) -> str:
    ua = (user_agent or "").casefold()
    if not ua.strip():
        return DeviceClass.UNKNOWN
    if any(mark in ua for mark in _TABLET):
        return DeviceClass.TABLET
    # Android phones say "Mobile"; Android tablets do not.
    if "android" in ua:
        return DeviceClass.PHONE if "mobile" in ua else DeviceClass.TABLET
    if any(mark in ua for mark in _PHONE):
        return DeviceClass.PHONE
    return DeviceClass.DESKTOP
