"""The simulated site's equipment per location: deterministic dispensers (and a few other
pieces of equipment), data changes, and what a correct scraper reads.

Given a seed and a location id, the same equipment every time, whatever else the site holds
(each location draws from its own random stream "seed:location_id"), shaped after
tests/fixtures/workfossa/equipment-dispensers.html: dispensers "1/2", "3/4", ... with
their grades, make, an optional model, a serial and four custom fields. About one location
in ten has no dispensers (no Dispenser group at all); some have a "Tank Monitor" group
standing BEFORE the Dispenser group, so that a scraper must pick the group by its name.
"""

from __future__ import annotations

import copy
import random
import threading
from dataclasses import dataclass, field

DISPENSER_TYPE_ID = 3  # seen: the "Add Dispenser" link's equipment_type_id
TANK_MONITOR_TYPE_ID = 5  # not seen: any other type id

# Grade lists as the capture's title lines give them.
GRADE_SETS = [
    ["Regular", "Plus", "Diesel", "Ethanol-Free Gasoline Plus", "Super"],
    ["Regular", "Plus", "Premium", "Diesel", "Super"],
    ["Regular", "Plus", "Premium", "Super", "Diesel"],
    ["Regular", "Plus", "Premium"],
    ["Regular", "Premium", "Ethanol-Free Gasoline Plus"],
    ["Diesel"],
]
MODELS = {
    "Gilbarco": ["NL3", "NL2", "Encore 700 S"],
    "Wayne": ["Ovation", "Helix 6000"],
    "Tokheim": ["Premier B"],
    "Dresser Wayne": ["Ovation 2", "Global Century"],
}
MAKES = ["Gilbarco", "Gilbarco", "Gilbarco", "Wayne", "Tokheim"]
# The real variety (docs/workfossa-site.md, 357 dispensers seen in use): a make with a space,
# dispensers without "Stand Alone Code" (43 of 357) or "Meter Type" (8), and a further custom
# field "NTEP / COC #" (99). Drawn from a stream of their own, so the rest of each location's
# equipment is what it always was. (Dispensers without an S/N line, 25 of 357, are made by
# edit(..., serial=None): the S/N line is in every generated one, as tests read it.)
MAKE_WITH_SPACE = "Dresser Wayne"
NTEP_LABEL = "NTEP / COC #"
METER_TYPES = ["Electronic", "Electronic", "Mechanical"]
# The custom fields of a dispenser, in the capture's order.
FIELD_LABELS = ("Grade", "Stand Alone Code", "Number of Nozzles (per side)", "Meter Type")


@dataclass
class Dispenser:
    """One dispenser of a location's Equipment tab."""

    position: str  # the fuelling positions, "1/2"
    grades: list[str]
    make: str
    model: str | None  # None: the row has no "Model:" line
    serial: str | None  # None: the row has no "S/N:" line
    fields: dict[str, str] = field(default_factory=dict)

    def title(self) -> str:
        """Return the title line: "1/2 - Regular, Plus, Diesel - Gilbarco"."""
        return f"{self.position} - {', '.join(self.grades)} - {self.make}"

    def expected(self) -> dict:
        """Return the dispenser in the `dispensers` shape of docs/design.md (what a scraper reads)."""
        return {"position": self.position, "grades": list(self.grades), "make": self.make,
                "model": self.model, "serial": self.serial, "fields": dict(self.fields)}


@dataclass
class EquipmentItem:
    """A piece of equipment of another type (a tank monitor): same markup, other group."""

    title: str
    make: str
    model: str | None
    serial: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class LocationEquipment:
    """What one location's Equipment tab shows: dispensers, maybe a tank monitor group."""

    dispensers: list[Dispenser]
    tank_monitors: list[EquipmentItem]


def _position(index: int) -> str:
    """Given a 0-based dispenser index, return its positions: 0 -> "1/2", 1 -> "3/4"."""
    return f"{2 * index + 1}/{2 * index + 2}"


def _vary(rng: random.Random, dispensers: list[Dispenser]) -> None:
    """Give a location's dispensers the real variety (MAKE_WITH_SPACE, NTEP_LABEL, missing
    fields), from the location's own variety stream."""
    if rng.random() < 0.15:
        model = rng.choice(MODELS[MAKE_WITH_SPACE])
        for dispenser in dispensers:
            dispenser.make = MAKE_WITH_SPACE
            dispenser.model = model if dispenser.model is not None else None
    ntep = rng.random() < 0.28
    for dispenser in dispensers:
        if rng.random() < 0.12:
            dispenser.fields.pop("Stand Alone Code", None)
        if rng.random() < 0.02:
            dispenser.fields.pop("Meter Type", None)
        if ntep:
            dispenser.fields[NTEP_LABEL] = f"{rng.randint(1, 24):02d}-{rng.randint(1, 199):03d}A{rng.randint(1, 9)}"


class EquipmentStore:
    """Given the site's seed, hold each location's equipment, made on first use; thread-safe.

    Data changes (add, remove, edit) apply to the location's copy from then on.
    """

    def __init__(self, seed: int):
        self.seed = seed
        self._by_location: dict[int, LocationEquipment] = {}
        self._lock = threading.Lock()

    def _rng(self, location_id: int) -> random.Random:
        # A string seed is hashed with SHA-512: the same in every process (no PYTHONHASHSEED).
        return random.Random(f"{self.seed}:{location_id}")

    def _generate(self, location_id: int) -> LocationEquipment:
        rng = self._rng(location_id)
        tank_monitors = []
        if rng.random() < 0.3:
            tank_monitors.append(EquipmentItem(
                title="Veeder-Root TLS-350", make="Veeder-Root", model="TLS-350",
                serial=f"VR{rng.randint(100000, 999999)}", fields={"Probe Count": str(rng.randint(2, 6))}))
        if rng.random() < 0.1:
            return LocationEquipment([], tank_monitors)
        make = rng.choice(MAKES)
        stand_alone = f"{rng.randint(1, 9999):04d}"
        meter = rng.choice(METER_TYPES)
        dispensers = []
        for index in range(rng.randint(2, 8)):
            grades = list(rng.choice(GRADE_SETS))
            model = rng.choice(MODELS[make]) if rng.random() < 0.85 else None
            nozzles = "3" if len(grades) >= 5 and model != "NL2" else str(rng.randint(1, 2))
            dispensers.append(Dispenser(
                position=_position(index), grades=grades, make=make, model=model,
                serial=f"SN{rng.randint(10000, 99999)}",
                fields={"Grade": ", ".join(grades), "Stand Alone Code": stand_alone,
                        "Number of Nozzles (per side)": nozzles, "Meter Type": meter},
            ))
        _vary(random.Random(f"{self.seed}:{location_id}:variety"), dispensers)
        return LocationEquipment(dispensers, tank_monitors)

    def get(self, location_id: int) -> LocationEquipment:
        """Given a location id, return its equipment (a live object: hold the lock to change it)."""
        with self._lock:
            if location_id not in self._by_location:
                self._by_location[location_id] = self._generate(location_id)
            return self._by_location[location_id]

    def snapshot(self, location_id: int) -> LocationEquipment:
        """Given a location id, return a copy of its equipment, safe to render while it changes."""
        equipment = self.get(location_id)
        with self._lock:
            return copy.deepcopy(equipment)

    def expected_dispensers(self, location_id: int) -> list[dict]:
        """Given a location id, return its dispensers as a correct scraper reads them."""
        return [d.expected() for d in self.snapshot(location_id).dispensers]

    def add(self, location_id: int, **values) -> str:
        """Add a dispenser after the location's last one; return its position.

        Given values (grades, make, model, serial, fields) override the defaults, which copy
        the last dispenser's make and fields (a new one at the same store).
        """
        equipment = self.get(location_id)
        with self._lock:
            dispensers = equipment.dispensers
            last = dispensers[-1] if dispensers else None
            index = 0
            if last is not None:
                index = int(last.position.split("/")[-1]) // 2
            grades = list(values.pop("grades", last.grades if last else ["Regular", "Plus", "Premium"]))
            dispenser = Dispenser(
                position=_position(index), grades=grades,
                make=values.pop("make", last.make if last else "Gilbarco"),
                model=values.pop("model", last.model if last else "NL2"),
                serial=values.pop("serial", f"SN{90000 + len(dispensers) + 1000 * (location_id % 10)}"),
                fields=dict(last.fields) if last else {
                    "Stand Alone Code": "0001", "Number of Nozzles (per side)": "2", "Meter Type": "Electronic"},
            )
            dispenser.fields["Grade"] = ", ".join(grades)
            dispenser.fields = {label: dispenser.fields[label] for label in FIELD_LABELS if label in dispenser.fields}
            dispenser.fields.update(values.pop("fields", {}))
            if values:
                raise ValueError(f"cannot set {sorted(values)} on a dispenser; "
                                 "known: grades, make, model, serial, fields")
            dispensers.append(dispenser)
            return dispenser.position

    def _find(self, equipment: LocationEquipment, location_id: int, position: str) -> Dispenser:
        for dispenser in equipment.dispensers:
            if dispenser.position == position:
                return dispenser
        raise KeyError(f"location {location_id} has no dispenser {position!r}")

    def remove(self, location_id: int, position: str) -> None:
        """Remove the dispenser at `position` ("3/4"); KeyError when there is none."""
        equipment = self.get(location_id)
        with self._lock:
            equipment.dispensers.remove(self._find(equipment, location_id, position))

    def edit(self, location_id: int, position: str, **values) -> None:
        """Change a dispenser: grades (list; the Grade field follows), make, model (None: no
        Model line), serial, fields ({label: value} merged; a value None removes the field)."""
        equipment = self.get(location_id)
        with self._lock:
            dispenser = self._find(equipment, location_id, position)
            unknown = set(values) - {"grades", "make", "model", "serial", "fields"}
            if unknown:
                raise ValueError(f"cannot edit {sorted(unknown)} of a dispenser; "
                                 "editable: grades, make, model, serial, fields")
            if "grades" in values:
                dispenser.grades = list(values["grades"])
                dispenser.fields["Grade"] = ", ".join(dispenser.grades)
            for name in ("make", "model", "serial"):
                if name in values:
                    setattr(dispenser, name, values[name])
            for label, value in dict(values.get("fields") or {}).items():
                if value is None:
                    dispenser.fields.pop(label, None)
                else:
                    dispenser.fields[label] = str(value)
