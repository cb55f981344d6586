"""The simulated site's control endpoints: tests and benchmarks driving a site in another
process read its state and change it over HTTP (`python -m wosync.sim --help` lists them).

  GET  /__sim__/state | expected[?include_completed=1] | switches | locations | dispensers?location_id=N
  POST /__sim__/faults | switches | add | add_dispenser | complete | reassign | cancel | reschedule
       | edit | delete_location | remove_dispenser | edit_dispenser     (a JSON object body)

A mixin of the site's handler (handler.SiteHandler): it uses the handler's `site` and `_json`.
"""

from __future__ import annotations

import json
from dataclasses import asdict


class ControlEndpoints:
    """GET and POST /__sim__/...: the site's state, faults, switches and data changes."""

    def _control_get(self, path: str, query: dict) -> None:
        site = self.site
        if path == "/__sim__/state":
            return self._json(200, site.state())
        if path == "/__sim__/expected":
            include = (query.get("include_completed") or ["0"])[0] in ("1", "true", "yes")
            return self._json(200, site.expected_orders(include_completed=include))
        if path == "/__sim__/switches":
            return self._json(200, site.switches())
        if path == "/__sim__/locations":
            return self._json(200, site.location_ids())
        if path == "/__sim__/dispensers":
            try:
                location_id = int((query.get("location_id") or [""])[0])
            except ValueError:
                return self._json(400, {"error": "location_id must be a number"})
            return self._json(200, site.expected_dispensers(location_id))
        self._json(404, {"error": f"unknown control endpoint {path}"})

    def _control_post(self, path: str, body: bytes) -> None:
        try:
            args = json.loads(body or b"{}")
            if not isinstance(args, dict):
                raise ValueError("the body must be a JSON object")
            site = self.site
            if path == "/__sim__/faults":
                site.set_faults(**args)
                return self._json(200, asdict(site.faults))
            if path == "/__sim__/switches":
                return self._json(200, site.set_switches(**args))
            if path == "/__sim__/add":
                return self._json(200, {"numbers": site.add_orders(int(args.get("n", 1)))})
            if path == "/__sim__/add_dispenser":
                location_id = args.pop("location_id")
                return self._json(200, {"position": site.add_dispenser(location_id, **args)})
            if path == "/__sim__/complete":
                site.complete(args["number"])
            elif path == "/__sim__/reassign":
                site.reassign(args["number"])
            elif path == "/__sim__/cancel":
                site.cancel(args["number"])
            elif path == "/__sim__/reschedule":
                site.reschedule(args["number"], args["next_visit_date"])
            elif path == "/__sim__/edit":
                number = args.pop("number")
                site.edit(number, **args)
            elif path == "/__sim__/delete_location":
                site.delete_location(int(args["location_id"]))
            elif path == "/__sim__/remove_dispenser":
                site.remove_dispenser(args["location_id"], args["position"])
            elif path == "/__sim__/edit_dispenser":
                location_id, position = args.pop("location_id"), args.pop("position")
                site.edit_dispenser(location_id, position, **args)
            else:
                return self._json(404, {"error": f"unknown control endpoint {path}"})
            return self._json(200, {"ok": True})
        except (KeyError, ValueError, TypeError) as exc:
            self._json(400, {"error": str(exc)})
