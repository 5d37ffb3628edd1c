"""Navigation that survives Chromium's ERR_NETWORK_CHANGED: the suite's network-namespace tests
add and remove veth links while browser tests run, and Chromium aborts a navigation in flight
when the machine's interfaces change — reported either as ERR_NETWORK_CHANGED or as the
navigation being "interrupted by another navigation to chrome-error://chromewebdata/" (the
error page replacing it). Anything else is raised at once."""

TRANSIENT = ("ERR_NETWORK_CHANGED", "chrome-error://chromewebdata")


def retrying(action, attempts=5):
    for attempt in range(attempts):
        try:
            return action()
        except Exception as error:  # playwright's Error
            if not any(mark in str(error) for mark in TRANSIENT) or attempt == attempts - 1:
                raise


def goto(page, url, **options):
    return retrying(lambda: page.goto(url, **options))


def reload(page, **options):
    return retrying(lambda: page.reload(**options))
