#!/usr/bin/env python3
"""Writes tests/data/stix/cases/*.jsonl: golden validator cases, each an input object and the
exact errors expected (JSON Pointer + message substring) and optionally the exact warnings.

The expectations were written by hand from the STIX 2.1 specification; this script only spares
repeating the boilerplate of valid objects. Run from tests/data/stix: python3 gen/make_cases.py
"""
import copy
import json

IDN = "identity--311b2d2d-f010-4473-83ec-1edf84858f4c"
MD = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"  # TLP 1.0 AMBER
C = "2016-04-06T20:03:00.000Z"
M = "2016-04-06T20:03:48.000Z"
EXT = "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"


def sdo(t, **kw):
    o = {"type": t, "spec_version": "2.1", "id": t + "--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created": C, "modified": M}
    o.update(kw)
    return o


def ident(**kw):
    base = dict(name="ACME")
    base.update(kw)
    return sdo("identity", **base)


def ind(**kw):
    base = dict(pattern="[ipv4-addr:value = '198.51.100.1']", pattern_type="stix",
                valid_from="2016-01-01T00:00:00Z")
    base.update(kw)
    return sdo("indicator", **base)


def sco(t, **kw):
    o = {"type": t, "spec_version": "2.1", "id": t + "--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"}
    o.update(kw)
    return o


def without(o, *keys):
    o = copy.deepcopy(o)
    for k in keys:
        del o[k]
    return o


def E(pointer, message):
    return {"pointer": pointer, "message": message}


files = {}


def case(file, name, input, errors=(), warnings=None):
    c = {"name": name, "input": input, "errors": list(errors)}
    if warnings is not None:
        c["warnings"] = list(warnings)
    files.setdefault(file, []).append(c)


SCOW = [E("/id", "not the deterministic id")]  # the warning every fixed-id SCO gets

# ---------------------------------------------------------------- common properties
F = "common"
case(F, "valid identity", ident(), warnings=[])
case(F, "not an object", [ident()], [E("", "expected a STIX object")])
case(F, "type missing", without(ident(), "type"), [E("/type", "missing")])
case(F, "type not a string", dict(ident(), type=5), [E("/type", "expected an object type name")])
case(F, "type uppercase", dict(ident(), type="Identity"), [E("/type", "3–250 characters")])
case(F, "type double hyphen", dict(ident(), type="x--y", id="x--y--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
     [E("/type", "single hyphens"), E("/id", "<type>--<uuid>")])
case(F, "type too short", dict(ident(), type="xy", id="xy--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
     [E("/type", "3–250")])
case(F, "id missing", without(ident(), "id"), [E("/id", "required property \"id\" is missing")])
case(F, "id not a string", dict(ident(), id=7), [E("/id", "identity--<uuid>")])
case(F, "id of another type", dict(ident(), id="malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
     [E("/id", "must start with the object's type \"identity--\"")])
case(F, "id without uuid", dict(ident(), id="identity--x"), [E("/id", "RFC 4122 UUID")])
case(F, "id single hyphen", dict(ident(), id="identity-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
     [E("/id", "identity--<uuid>")])
case(F, "id uuid too long", dict(ident(), id="identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f0"),
     [E("/id", "identity--<uuid>")])
case(F, "id non-RFC 4122 variant", dict(ident(), id="identity--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f"),
     [E("/id", "variant")])
case(F, "id uppercase uuid is a warning", dict(ident(), id="identity--8E2E2D2B-17d4-4cbf-938f-98ee46b3cd3f"),
     [], [E("/id", "lowercase")])
case(F, "spec_version 2.0", dict(ident(), spec_version="2.0"), [E("/spec_version", "expected \"2.1\"")])
case(F, "spec_version number", dict(ident(), spec_version=2.1), [E("/spec_version", "expected a string")])
case(F, "spec_version missing", without(ident(), "spec_version"), [E("/spec_version", "missing")])
case(F, "created missing", without(ident(), "created"), [E("/created", "missing")])
case(F, "modified missing", without(ident(), "modified"), [E("/modified", "missing")])
case(F, "created lowercase z", dict(ident(), created="2016-04-06T20:03:00.000z"), [E("/created", "bad timestamp")])
case(F, "created with offset", dict(ident(), created="2016-04-06T20:03:00+01:00"), [E("/created", "bad timestamp")])
case(F, "created date only", dict(ident(), created="2016-04-06"), [E("/created", "bad timestamp")])
case(F, "created month 13", dict(ident(), created="2016-13-06T20:03:00Z"), [E("/created", "bad timestamp")])
case(F, "created february 30", dict(ident(), created="2016-02-30T20:03:00Z"), [E("/created", "bad timestamp")])
case(F, "created number", dict(ident(), created=1460000000), [E("/created", "expected a timestamp string")])
case(F, "created empty fraction", dict(ident(), created="2016-04-06T20:03:00.Z"), [E("/created", "bad timestamp")])
case(F, "modified before created", dict(ident(), modified="2016-04-06T20:02:59.999Z"),
     [E("/modified", "must not be earlier than created")])
case(F, "modified equal to created (other precision)", dict(ident(), created="2016-04-06T20:03:00Z", modified="2016-04-06T20:03:00.000Z"), [])
case(F, "created_by_ref to a malware", dict(ident(), created_by_ref="malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
     [E("/created_by_ref", "type identity")])
case(F, "created_by_ref not an id", dict(ident(), created_by_ref="ACME"), [E("/created_by_ref", "expected an identifier")])
case(F, "created_by_ref valid", dict(ident(), created_by_ref=IDN), [])
case(F, "revoked string", dict(ident(), revoked="yes"), [E("/revoked", "expected true or false")])
case(F, "revoked true", dict(ident(), revoked=True), [])
case(F, "labels empty", dict(ident(), labels=[]), [E("/labels", "non-empty list of strings")])
case(F, "labels not a list", dict(ident(), labels="x"), [E("/labels", "non-empty list")])
case(F, "labels item number", dict(ident(), labels=["a", 1]), [E("/labels/1", "expected a string")])
case(F, "confidence 150", dict(ident(), confidence=150), [E("/confidence", "confidence must be an integer 0–100, got 150")])
case(F, "confidence -1", dict(ident(), confidence=-1), [E("/confidence", "0–100, got -1")])
case(F, "confidence fraction", dict(ident(), confidence=50.5), [E("/confidence", "integer 0–100, got 50.5")])
case(F, "confidence string", dict(ident(), confidence="50"), [E("/confidence", "integer 0–100")])
case(F, "confidence 0 and 100", dict(ident(), confidence=0), [])
case(F, "confidence 100", dict(ident(), confidence=100), [])
case(F, "lang number", dict(ident(), lang=5), [E("/lang", "expected a string")])
case(F, "external reference without source_name", dict(ident(), external_references=[{"url": "https://example.com"}]),
     [E("/external_references/0/source_name", "missing")])
case(F, "external reference with source_name only", dict(ident(), external_references=[{"source_name": "x"}]),
     [E("/external_references/0", "description, url or external_id")])
case(F, "external reference bad hash", dict(ident(), external_references=[{"source_name": "x", "url": "https://e.com/a", "hashes": {"SHA-256": "abc"}}]),
     [E("/external_references/0/hashes/SHA-256", "64 hex digits")])
case(F, "external references not a list", dict(ident(), external_references={"source_name": "x"}),
     [E("/external_references", "non-empty list of external references")])
case(F, "external reference not an object", dict(ident(), external_references=["x"]),
     [E("/external_references/0", "external-reference object")])
case(F, "external reference url number", dict(ident(), external_references=[{"source_name": "x", "url": 5}]),
     [E("/external_references/0/url", "expected a string")])
case(F, "object_marking_refs to an identity", dict(ident(), object_marking_refs=[IDN]),
     [E("/object_marking_refs/0", "type marking-definition")])
case(F, "object_marking_refs empty", dict(ident(), object_marking_refs=[]), [E("/object_marking_refs", "non-empty list")])
case(F, "object_marking_refs valid", dict(ident(), object_marking_refs=[MD]), [])
case(F, "granular marking with lang and marking_ref", dict(ident(), granular_markings=[{"lang": "en", "marking_ref": MD, "selectors": ["name"]}]),
     [E("/granular_markings/0", "exactly one of lang and marking_ref")])
case(F, "granular marking with neither", dict(ident(), granular_markings=[{"selectors": ["name"]}]),
     [E("/granular_markings/0", "exactly one")])
case(F, "granular marking without selectors", dict(ident(), granular_markings=[{"marking_ref": MD}]),
     [E("/granular_markings/0/selectors", "missing")])
case(F, "granular marking empty selectors", dict(ident(), granular_markings=[{"lang": "en", "selectors": []}]),
     [E("/granular_markings/0/selectors", "non-empty list")])
case(F, "granular marking ref to identity", dict(ident(), granular_markings=[{"marking_ref": IDN, "selectors": ["name"]}]),
     [E("/granular_markings/0/marking_ref", "marking-definition")])
case(F, "granular marking valid", dict(ident(), granular_markings=[{"lang": "en", "selectors": ["name"]}]), [])
case(F, "granular marking selectors into lists", dict(ident(), description="d", external_references=[{"source_name": "x", "url": "https://e.com/"}],
     granular_markings=[{"lang": "en", "selectors": ["description", "external_references.[0].url", "external_references.[0]", "external_references"]}]), [])
case(F, "granular marking selector to an absent property", dict(ident(), granular_markings=[{"lang": "en", "selectors": ["name", "description"]}]),
     [E("/granular_markings/0/selectors/1", "does not refer to a property")])
case(F, "granular marking selector past the end of a list", dict(ident(), labels=["a"], granular_markings=[{"marking_ref": MD, "selectors": ["labels.[1]"]}]),
     [E("/granular_markings/0/selectors/0", "does not refer")])
case(F, "granular marking selector with a bad index", dict(ident(), labels=["a"], granular_markings=[{"marking_ref": MD, "selectors": ["labels.[x]", "labels.", "labels.[0].x", ""]}]),
     [E("/granular_markings/0/selectors/0", "does not refer"), E("/granular_markings/0/selectors/1", "does not refer"),
      E("/granular_markings/0/selectors/2", "does not refer"), E("/granular_markings/0/selectors/3", "does not refer")])
case(F, "a bundle inside a bundle", {"type": "bundle", "id": "bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "objects": []},
     [E("/type", "a bundle is not a STIX object")])
case(F, "extensions empty", dict(ident(), extensions={}), [E("/extensions", "non-empty JSON object")])
case(F, "extension key with bad uuid", dict(ident(), extensions={"extension-definition--xyz": {"extension_type": "property-extension", "a_b": 1}}),
     [E("/extensions/extension-definition--xyz", "extension-definition--<uuid>")])
case(F, "extension value not an object", dict(ident(), extensions={EXT: "x"}),
     [E("/extensions/" + EXT, "non-empty extension object")])
case(F, "extension_type unknown", dict(ident(), extensions={EXT: {"extension_type": "magic"}}),
     [E("/extensions/" + EXT + "/extension_type", "toplevel-property-extension")])
case(F, "property extension valid", dict(ident(), extensions={EXT: {"extension_type": "property-extension", "rank": 5}}), [], [])
case(F, "toplevel property extension: its properties are not warned about",
     dict(ident(), extensions={EXT: {"extension_type": "toplevel-property-extension"}}, rank=5, toxicity=8), [], [])
case(F, "custom extension name on an SDO is a warning", dict(ident(), extensions={"x-acme-ext": {"a": 1}}),
     [], [E("/extensions/x-acme-ext", "custom extension")])
case(F, "custom x_ property kept with a warning", dict(ident(), x_acme_score=5), [], [E("/x_acme_score", "custom property \"x_acme_score\"")])
case(F, "unknown property kept with a warning", dict(ident(), foo="bar"), [], [E("/foo", "should start with x_")])
case(F, "custom property with uppercase name", dict(ident(), x_Foo=1), [E("/x_Foo", "not a valid custom property name")])
case(F, "custom property name too short", dict(ident(), ab=1), [E("/ab", "3–250 characters")])
case(F, "custom property name too long", dict(ident(), **{"x_" + "a" * 249: 1}), [E("/x_" + "a" * 249, "3–250")])
case(F, "custom property with a hyphen", dict(ident(), **{"x-foo": 1}), [E("/x-foo", "not a valid custom property name")])
case(F, "pointer escapes ~ and /", dict(ident(), **{"a/b~c": 1}), [E("/a~1b~0c", "not a valid custom property name")])
case(F, "custom object type is a warning", {"type": "x-acme-widget", "spec_version": "2.1", "id": "x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
     "created": C, "modified": M, "x_size": 3, "colour": "red"}, [], [E("/type", "custom object type \"x-acme-widget\"")])
case(F, "custom object with a bad timestamp", {"type": "x-acme-widget", "id": "x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
     "created": "yesterday"}, [E("/created", "bad timestamp")], [E("/type", "custom object type")])
case(F, "custom object modified before created", {"type": "x-acme-widget", "id": "x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
     "created": M, "modified": C}, [E("/modified", "must not be earlier")], [E("/type", "custom object type")])
case(F, "custom object declared by a new-sdo extension", {"type": "acme-widget", "spec_version": "2.1", "id": "acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
     "created": C, "modified": M, "extensions": {EXT: {"extension_type": "new-sdo"}}}, [], [])
case(F, "custom object confidence out of range", {"type": "x-acme", "id": "x-acme--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "confidence": 101},
     [E("/confidence", "0–100, got 101")], [E("/type", "custom object type")])
case(F, "several errors are all reported", dict(ident(), confidence=101, revoked=1, labels=[]),
     [E("/confidence", "0–100"), E("/revoked", "true or false"), E("/labels", "non-empty")])
case(F, "null value of a defined property", dict(ident(), description=None), [E("/description", "expected a string, got null")])

# ---------------------------------------------------------------- SDO and SRO rules
F = "sdo"
case(F, "campaign last_seen before first_seen", sdo("campaign", name="c", first_seen="2016-02-01T00:00:00Z", last_seen="2016-01-01T00:00:00Z"),
     [E("/last_seen", "later than or equal to first_seen")])
case(F, "campaign first_seen equal last_seen", sdo("campaign", name="c", first_seen="2016-02-01T00:00:00Z", last_seen="2016-02-01T00:00:00Z"), [])
case(F, "intrusion-set last_seen before first_seen", sdo("intrusion-set", name="c", first_seen="2016-02-01T00:00:00Z", last_seen="2016-01-01T00:00:00Z"),
     [E("/last_seen", "first_seen")])
case(F, "threat-actor last_seen before first_seen", sdo("threat-actor", name="c", first_seen="2016-02-01T00:00:00Z", last_seen="2016-01-01T00:00:00Z"),
     [E("/last_seen", "first_seen")])
case(F, "infrastructure last_seen before first_seen", sdo("infrastructure", name="c", first_seen="2016-02-01T00:00:00Z", last_seen="2016-01-01T00:00:00Z"),
     [E("/last_seen", "first_seen")])
case(F, "indicator valid", ind(), [], [])
case(F, "indicator pattern kept as written (not parsed here)", ind(pattern="this is [not a pattern"), [])
case(F, "indicator pattern not a string", ind(pattern=["[x:y = 1]"]), [E("/pattern", "expected a string")])
case(F, "indicator valid_until equal to valid_from", ind(valid_until="2016-01-01T00:00:00.000Z"), [E("/valid_until", "later than valid_from")])
case(F, "indicator valid_until before valid_from", ind(valid_until="2015-01-01T00:00:00Z"), [E("/valid_until", "later than valid_from")])
case(F, "indicator bad valid_from", ind(valid_from="2016-01-01 00:00:00Z"), [E("/valid_from", "bad timestamp")])
case(F, "indicator kill chain phase without phase_name", ind(kill_chain_phases=[{"kill_chain_name": "k"}]),
     [E("/kill_chain_phases/0/phase_name", "missing")])
case(F, "indicator kill chain phase not an object", ind(kill_chain_phases=["delivery"]),
     [E("/kill_chain_phases/0", "kill-chain-phase object")])
case(F, "indicator indicator_types not a list", ind(indicator_types="malicious-activity"), [E("/indicator_types", "non-empty list")])
case(F, "location latitude without longitude", sdo("location", latitude=48.8, region="europe"), [E("/longitude", "missing")])
case(F, "location precision without coordinates", sdo("location", country="fr", precision=10.0), [E("/precision", "needs latitude and longitude")])
case(F, "location with nothing", sdo("location", name="somewhere"), [E("", "region, country, or latitude and longitude")])
case(F, "location latitude 91", sdo("location", latitude=91, longitude=0), [E("/latitude", "latitude must be a number from -90 to 90, got 91")])
case(F, "location longitude string", sdo("location", latitude=1, longitude="2"), [E("/longitude", "must be a number")])
case(F, "location negative precision", sdo("location", latitude=1, longitude=2, precision=-1), [E("/precision", "from 0")])
case(F, "location coordinates only", sdo("location", latitude=-33.9, longitude=18.4), [])
case(F, "malware family without name", sdo("malware", is_family=True), [E("/name", "malware family must have a name")])
case(F, "malware instance without name", sdo("malware", is_family=False), [])
case(F, "malware is_family string", sdo("malware", name="m", is_family="true"), [E("/is_family", "true or false")])
case(F, "malware sample_refs to an indicator", sdo("malware", is_family=False, sample_refs=["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]),
     [E("/sample_refs/0", "file|artifact")])
case(F, "malware-analysis without result or sco refs", sdo("malware-analysis", product="av"), [E("", "result, analysis_sco_refs")])
case(F, "malware-analysis ended before started", sdo("malware-analysis", product="av", result="benign",
     analysis_started="2016-01-02T00:00:00Z", analysis_ended="2016-01-01T00:00:00Z"), [E("/analysis_ended", "analysis_started")])
case(F, "observed-data with objects and object_refs", sdo("observed-data", first_observed=C, last_observed=C, number_observed=1,
     object_refs=["ipv4-addr--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"], objects={"0": {"type": "ipv4-addr", "value": "1.2.3.4"}}),
     [E("/objects", "must not be present together with object_refs")])
case(F, "observed-data with neither objects nor object_refs", sdo("observed-data", first_observed=C, last_observed=C, number_observed=1),
     [E("/object_refs", "missing")])
case(F, "observed-data deprecated objects", sdo("observed-data", first_observed=C, last_observed=C, number_observed=1,
     objects={"0": {"type": "ipv4-addr", "value": "1.2.3.4"}}), [], [E("/objects", "deprecated")])
case(F, "observed-data objects entry without type", sdo("observed-data", first_observed=C, last_observed=C, number_observed=1,
     objects={"0": {"value": "1.2.3.4"}}), [E("/objects/0", "\"type\" string")])
case(F, "observed-data number_observed 0", sdo("observed-data", first_observed=C, last_observed=C, number_observed=0,
     object_refs=["ipv4-addr--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"]), [E("/number_observed", "1–999999999, got 0")])
case(F, "observed-data number_observed too big", sdo("observed-data", first_observed=C, last_observed=C, number_observed=1000000000,
     object_refs=["ipv4-addr--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"]), [E("/number_observed", "1–999999999")])
case(F, "observed-data last before first", sdo("observed-data", first_observed=M, last_observed=C, number_observed=1,
     object_refs=["ipv4-addr--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"]), [E("/last_observed", "first_observed")])
case(F, "observed-data object_refs to an SDO", sdo("observed-data", first_observed=C, last_observed=C, number_observed=1,
     object_refs=["ipv4-addr--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f", "relationship--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f", IDN]),
     [E("/object_refs/2", "reference to an object of type identity is not allowed here")])
case(F, "sighting of an SCO", sdo("sighting", sighting_of_ref="ipv4-addr--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"),
     [E("/sighting_of_ref", "type ipv4-addr is not allowed")])
case(F, "sighting of a custom object", sdo("sighting", sighting_of_ref="x-acme-widget--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"), [])
case(F, "malware-analysis sco refs to an indicator", sdo("malware-analysis", product="av", analysis_sco_refs=["indicator--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"]),
     [E("/analysis_sco_refs/0", "not allowed")])
case(F, "opinion value outside the enumeration", sdo("opinion", opinion="maybe", object_refs=[IDN]),
     [E("/opinion", "strongly-disagree,disagree,neutral,agree,strongly-agree")])
case(F, "report published not a timestamp", sdo("report", name="r", published="last week", object_refs=[IDN]), [E("/published", "bad timestamp")])
case(F, "report object_refs with a non-id", sdo("report", name="r", published=C, object_refs=[IDN, "nope"]), [E("/object_refs/1", "identifier")])
case(F, "grouping object_refs a string", sdo("grouping", context="c", object_refs=IDN), [E("/object_refs", "non-empty list of identifiers")])
case(F, "note content number", sdo("note", content=1, object_refs=[IDN]), [E("/content", "expected a string")])
case(F, "identity name number", ident(name=5), [E("/name", "expected a string, got the number 5")])
case(F, "identity sectors empty", ident(sectors=[]), [E("/sectors", "non-empty")])
case(F, "tool name list", sdo("tool", name=["VNC"]), [E("/name", "expected a string")])
case(F, "vulnerability external_references valid", sdo("vulnerability", name="CVE-2016-1234",
     external_references=[{"source_name": "cve", "external_id": "CVE-2016-1234"}]), [])
case(F, "attack-pattern aliases item", sdo("attack-pattern", name="a", aliases=[None]), [E("/aliases/0", "expected a string, got null")])
case(F, "course-of-action description number", sdo("course-of-action", name="c", description=1), [E("/description", "expected a string")])
case(F, "incident kill_chain_phases empty", sdo("incident", name="i", kill_chain_phases=[]), [E("/kill_chain_phases", "non-empty list")])
case(F, "relationship valid", sdo("relationship", relationship_type="uses", source_ref=IDN, target_ref="tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), [], [])
case(F, "relationship stop_time equal to start_time", sdo("relationship", relationship_type="uses", source_ref=IDN,
     target_ref=IDN, start_time=C, stop_time=C), [E("/stop_time", "later than start_time")])
case(F, "relationship source_ref not an id", sdo("relationship", relationship_type="uses", source_ref="me", target_ref=IDN),
     [E("/source_ref", "expected an identifier")])
case(F, "relationship_type number", sdo("relationship", relationship_type=1, source_ref=IDN, target_ref=IDN), [E("/relationship_type", "string")])
case(F, "sighting count negative", sdo("sighting", sighting_of_ref=IDN, count=-1), [E("/count", "0–999999999, got -1")])
case(F, "sighting where_sighted_refs to a malware", sdo("sighting", sighting_of_ref=IDN, where_sighted_refs=["malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]),
     [E("/where_sighted_refs/0", "identity|location")])
case(F, "sighting observed_data_refs to an identity", sdo("sighting", sighting_of_ref=IDN, observed_data_refs=[IDN]),
     [E("/observed_data_refs/0", "observed-data")])
case(F, "sighting last_seen before first_seen", sdo("sighting", sighting_of_ref=IDN, first_seen=M, last_seen=C), [E("/last_seen", "first_seen")])
case(F, "sighting summary string", sdo("sighting", sighting_of_ref=IDN, summary="no"), [E("/summary", "true or false")])
case(F, "language-content contents not a dictionary", sdo("language-content", object_ref=IDN, contents="x"), [E("/contents", "dictionary")])
case(F, "language-content bad dictionary key", sdo("language-content", object_ref=IDN, contents={"d e": {"name": "x"}}), [E("/contents/d e", "dictionary key")])
case(F, "extension-definition extension_properties without toplevel-property-extension", sdo("extension-definition", created_by_ref=IDN, name="n",
     schema="s", version="1", extension_types=["property-extension"], extension_properties=["rank"]),
     [E("/extension_properties", "only allowed when extension_types contains toplevel-property-extension")])
case(F, "extension-definition unknown extension type", sdo("extension-definition", created_by_ref=IDN, name="n", schema="s", version="1",
     extension_types=["property-extension", "magic"]), [E("/extension_types/1", "toplevel-property-extension")])

# ---------------------------------------------------------------- marking definitions and TLP
F = "marking"
TLP1 = {"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:WHITE", "definition": {"tlp": "white"}}
TLP2 = {"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        "created": "2022-10-01T00:00:00.000Z", "name": "TLP:RED", "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
        {"extension_type": "property-extension", "tlp_2_0": "red"}}}
STMT = {"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": C, "definition_type": "statement", "definition": {"statement": "Copyright 2016, Example Corp"}}
case(F, "statement marking", STMT, [], [])
case(F, "statement marking without statement", dict(STMT, definition={"text": "x"}), [E("/definition/statement", "missing")])
case(F, "statement not a string", dict(STMT, definition={"statement": 5}), [E("/definition/statement", "expected a string")])
case(F, "no definition and no extensions", without(STMT, "definition", "definition_type"),
     [E("/definition_type", "missing"), E("/definition", "missing")])
case(F, "definition without definition_type", without(STMT, "definition_type"), [E("/definition_type", "missing")])
case(F, "marking definitions have no modified", dict(STMT, modified=M), [], [E("/modified", "never versioned")])
case(F, "tlp definition with an unknown colour", dict(STMT, definition_type="tlp", definition={"tlp": "purple"}),
     [E("/definition", "\"white\"|\"green\"|\"amber\"|\"red\"")])
case(F, "definition not an object", dict(STMT, definition="x"), [E("/definition", "non-empty marking definition object")])
case(F, "TLP 1.0 white as published", TLP1, [], [])
case(F, "TLP 1.0 white without name (older publications)", without(TLP1, "name"), [], [])
case(F, "TLP 1.0 white, created without fraction", dict(TLP1, created="2017-01-20T00:00:00Z"), [], [])
case(F, "TLP 1.0 white id with green content", dict(TLP1, definition={"tlp": "green"}), [E("", "predefined TLP:WHITE marking (TLP 1.0) has a different value for \"definition\"")])
case(F, "TLP 1.0 white with another created", dict(TLP1, created="2018-01-20T00:00:00.000Z"), [E("", "different value for \"created\"")])
case(F, "TLP 1.0 white with created_by_ref", dict(TLP1, created_by_ref=IDN), [E("", "extra property \"created_by_ref\"")])
case(F, "TLP 1.0 white with a wrong name", dict(TLP1, name="TLP:GREEN"), [E("", "different value for \"name\"")])
case(F, "TLP 2.0 red as published", TLP2, [], [])
case(F, "TLP 2.0 red marked amber", dict(TLP2, extensions={"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
     {"extension_type": "property-extension", "tlp_2_0": "amber"}}), [E("", "predefined TLP:RED marking (TLP 2.0)")])
case(F, "TLP 2.0 red with an extra custom property", dict(TLP2, x_note="mine"), [E("", "extra property \"x_note\"")], [E("/x_note", "custom property")])
case(F, "TLP 2.0 red without extensions", without(TLP2, "extensions"),
     [E("/definition_type", "missing"), E("/definition", "missing"), E("", "lacks the property \"extensions\"")])

# ---------------------------------------------------------------- SCOs
F = "sco"
case(F, "ipv4 without spec_version and with its deterministic id",
     {"type": "ipv4-addr", "id": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4", "value": "198.51.100.3"}, [], [])
case(F, "ipv4 with another id is a warning", sco("ipv4-addr", value="198.51.100.3"), [],
     [E("/id", "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4")])
case(F, "ipv4 CIDR", sco("ipv4-addr", value="10.0.0.0/8"), [], SCOW)
case(F, "ipv4 bad octet", sco("ipv4-addr", value="999.1.1.1"), [E("/value", "IPv4 address or CIDR block")])
case(F, "ipv4 bad prefix", sco("ipv4-addr", value="10.0.0.0/33"), [E("/value", "IPv4")])
case(F, "ipv4 value number", sco("ipv4-addr", value=3232235777), [E("/value", "expected a string")])
case(F, "ipv4 resolves_to_refs to a domain", sco("ipv4-addr", value="10.0.0.1", resolves_to_refs=["domain-name--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"]),
     [E("/resolves_to_refs/0", "mac-addr")])
case(F, "ipv6 loopback", sco("ipv6-addr", value="::1"), [], SCOW)
case(F, "ipv6 with an IPv4 value", sco("ipv6-addr", value="1.2.3.4"), [E("/value", "IPv6 address")])
case(F, "ipv6 CIDR", sco("ipv6-addr", value="2001:db8::/32"), [], SCOW)
case(F, "mac-addr uppercase", sco("mac-addr", value="D2:FB:49:24:37:18"), [E("/value", "lowercase colon-separated")])
case(F, "mac-addr with hyphens", sco("mac-addr", value="d2-fb-49-24-37-18"), [E("/value", "MAC address")])
case(F, "domain-name value number", sco("domain-name", value=5), [E("/value", "expected a string")])
case(F, "SCO spec_version 2.0", sco("domain-name", value="example.com", spec_version="2.0"), [E("/spec_version", "\"2.1\"")])
case(F, "SCO with a created property (not an SCO property)", sco("domain-name", value="example.com", created=C), [],
     [E("/created", "not defined for domain-name")] + SCOW)
case(F, "SCO defanged string", sco("domain-name", value="example[.]com", defanged="yes"), [E("/defanged", "true or false")])
case(F, "SCO object_marking_refs", sco("url", value="http://a.example/", object_marking_refs=[MD]), [], SCOW)
case(F, "file with neither hashes nor name", sco("file", size=10), [E("", "hashes, name")])
case(F, "file MD5 of the wrong length", sco("file", hashes={"MD5": "3773a88f65a5e780c8dff9cdc3a056f"}), [E("/hashes/MD5", "32 hex digits")])
case(F, "file SHA-1 not hex", sco("file", hashes={"SHA-1": "z" * 40}), [E("/hashes/SHA-1", "40 hex digits")])
case(F, "file hashes empty", sco("file", name="a", hashes={}), [E("/hashes", "non-empty dictionary of hashes")])
case(F, "file hash value number", sco("file", hashes={"MD5": 5}), [E("/hashes/MD5", "expected a string")])
case(F, "file custom hash algorithm is a warning", sco("file", hashes={"sha256": "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}),
     [], [E("/hashes/sha256", "hash-algorithm-ov")] + SCOW)
case(F, "file size negative", sco("file", name="a", size=-1), [E("/size", "≥ 0, got -1")])
case(F, "file magic number not hex", sco("file", name="a", magic_number_hex="zz"), [E("/magic_number_hex", "hex digits")])
case(F, "file parent_directory_ref to a file", sco("file", name="a", parent_directory_ref="file--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"),
     [E("/parent_directory_ref", "directory")])
case(F, "file archive-ext without contains_refs", sco("file", name="a.zip", extensions={"archive-ext": {"comment": "x"}}),
     [E("/extensions/archive-ext/contains_refs", "missing")])
case(F, "file windows-pebinary-ext without pe_type", sco("file", name="a.exe", extensions={"windows-pebinary-ext": {"imphash": "x"}}),
     [E("/extensions/windows-pebinary-ext/pe_type", "missing")])
case(F, "file ntfs-ext streams not a list", sco("file", name="a", extensions={"ntfs-ext": {"alternate_data_streams": {"name": "s"}}}),
     [E("/extensions/ntfs-ext/alternate_data_streams", "non-empty list of objects")])
case(F, "file custom extension is a warning", sco("file", name="a", extensions={"x-acme-ext": {"v": 1}}), [],
     [E("/extensions/x-acme-ext", "custom extension")] + SCOW)
case(F, "file extension for another type", sco("file", name="a", extensions={"tcp-ext": {"src_flags_hex": "02"}}), [],
     [E("/extensions/tcp-ext", "predefined extension of file")] + SCOW)
case(F, "artifact payload_bin and url", sco("artifact", payload_bin="aGVsbG8=", url="https://e.com/a",
     hashes={"MD5": "5d41402abc4b2a76b9719d911017c592"}), [E("/url", "must not be present together with payload_bin")])
case(F, "artifact url without hashes", sco("artifact", url="https://e.com/a"), [E("/hashes", "needs hashes")])
case(F, "artifact payload not base64", sco("artifact", payload_bin="hello!"), [E("/payload_bin", "base64")])
case(F, "email-message multipart with body", sco("email-message", is_multipart=True, body="x"), [E("/body", "is_multipart is true")])
case(F, "email-message single part with body_multipart", sco("email-message", is_multipart=False, body_multipart=[{"body": "x"}]),
     [E("/body_multipart", "is_multipart is false")])
case(F, "email-message MIME part with neither body", sco("email-message", is_multipart=True, body_multipart=[{"content_type": "text/plain"}]),
     [E("/body_multipart/0", "exactly one of body and body_raw_ref")])
case(F, "email-message from_ref to a url", sco("email-message", is_multipart=False, from_ref="url--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"),
     [E("/from_ref", "email-addr")])
case(F, "email-message header dictionary", sco("email-message", is_multipart=False, additional_header_fields={"X Mailer": "x"}),
     [E("/additional_header_fields/X Mailer", "dictionary key")])
case(F, "email-addr belongs_to_ref to an identity", sco("email-addr", value="a@example.com", belongs_to_ref=IDN), [E("/belongs_to_ref", "user-account")])
NT = dict(src_ref="ipv4-addr--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f", protocols=["tcp"])
case(F, "network-traffic without src_ref and dst_ref", sco("network-traffic", protocols=["tcp"]), [E("", "src_ref, dst_ref")])
case(F, "network-traffic port 70000", sco("network-traffic", src_port=70000, **NT), [E("/src_port", "0–65535, got 70000")])
case(F, "network-traffic active with end", sco("network-traffic", end=M, is_active=True, **NT), [E("/is_active", "must not be true when end is present")])
case(F, "network-traffic end before start", sco("network-traffic", start=M, end=C, **NT), [E("/end", "start")])
case(F, "network-traffic protocols missing", without(sco("network-traffic", **NT), "protocols"), [E("/protocols", "missing")])
case(F, "network-traffic http-request-ext without request_value", sco("network-traffic", extensions={"http-request-ext": {"request_method": "get"}}, **NT),
     [E("/extensions/http-request-ext/request_value", "missing")])
case(F, "network-traffic socket-ext bad family", sco("network-traffic", extensions={"socket-ext": {"address_family": "AF_MAGIC"}}, **NT),
     [E("/extensions/socket-ext/address_family", "AF_INET")])
case(F, "network-traffic icmp-ext valid", sco("network-traffic", extensions={"icmp-ext": {"icmp_type_hex": "08", "icmp_code_hex": "00"}}, **NT), [], SCOW)
case(F, "network-traffic unknown property in a predefined extension", sco("network-traffic", extensions={"tcp-ext": {"src_flags_hex": "02", "window": 5}}, **NT),
     [], [E("/extensions/tcp-ext/window", "not defined for tcp-ext")] + SCOW)
case(F, "process with only pid", sco("process", pid=1221), [])
case(F, "process with nothing", sco("process"), [E("", "at least one process property")])
case(F, "process with only an extension", sco("process", extensions={"windows-process-ext": {"aslr_enabled": True}}), [])
case(F, "process pid string", sco("process", pid="1221"), [E("/pid", "pid must be an integer")])
case(F, "process windows-process-ext integrity level", sco("process", pid=1, extensions={"windows-process-ext": {"integrity_level": "root"}}),
     [E("/extensions/windows-process-ext/integrity_level", "low,medium,high,system")])
case(F, "x509-certificate with nothing", sco("x509-certificate"), [E("", "at least one of: is_self_signed")])
case(F, "x509-certificate validity reversed", sco("x509-certificate", validity_not_before=M, validity_not_after=C), [E("/validity_not_after", "validity_not_before")])
case(F, "windows-registry-key bad data_type", sco("windows-registry-key", key="hkey_local_machine\\x", values=[{"name": "a", "data_type": "REG_STRING"}]),
     [E("/values/0/data_type", "REG_SZ")])
case(F, "windows-registry-key values item not an object", sco("windows-registry-key", values=["x"]), [E("/values/0", "windows-registry-value-type")])
case(F, "autonomous-system number string", sco("autonomous-system", number="15139"), [E("/number", "integer")])
case(F, "user-account is_privileged string", sco("user-account", user_id="1", is_privileged="no"), [E("/is_privileged", "true or false")])
case(F, "user-account unix-account-ext gid string", sco("user-account", user_id="1", extensions={"unix-account-ext": {"gid": "1"}}),
     [E("/extensions/unix-account-ext/gid", "integer")])
case(F, "software languages empty", sco("software", name="w", languages=[]), [E("/languages", "non-empty")])
case(F, "directory contains_refs to a process", sco("directory", path="/tmp", contains_refs=["process--4c3bdbc5-63b8-4d1a-a8c5-bd8e9bcb6e2f"]),
     [E("/contains_refs/0", "file|directory")])
case(F, "mutex name missing", sco("mutex"), [E("/name", "missing")])
case(F, "url value missing", sco("url"), [E("/value", "missing")])

for name, cases in files.items():
    with open("cases/" + name + ".jsonl", "w") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(name, len(cases))
