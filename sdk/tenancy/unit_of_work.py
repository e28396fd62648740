"""The unit of work (flush) never touches another organization's row.

Flush statements bypass ``do_orm_execute`` and an UPDATE or DELETE filters on the primary key
only, so the flush is checked on its own:

- new rows are stamped with the current organization, or refused when they name another;
- ``org_id`` of a stored row never changes;
- a changed or deleted row must belong to the current organization *in the database*, not only
  in memory: an object built with another organization's primary key and attached with
  ``merge(load=False)`` or ``add()`` is checked by a scoped query unless it was loaded in this
  very scope;
- a foreign key to another tenant table must point at a row of the same organization.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import inspect, select, tuple_

from ..models import TenantMixin
from .grant_lookup import granting_owner
from .scope import TenantScopeError, current_org_id, sees_all_organizations
from .sharing import grant_clause, sharing_of
from .tables import tenant_mapper_for, tenant_tables

#: Key in ``InstanceState.info``: the organization whose scope loaded or stored the object.
VERIFIED_ORG = "trialoffice.verified_org"


def mark_verified(instance, context, *_attrs) -> None:
    """``load``/``refresh`` listener: remember the scope whose query loaded the object.

    ``merge(load=False)`` fires ``load`` with no query (``context`` None): nothing verified it.
    """
    if context is not None and not sees_all_organizations():
        inspect(instance).info[VERIFIED_ORG] = current_org_id()


def mark_stored(session, instance) -> None:
    """``pending_to_persistent`` listener: a row the guard let in belongs to its ``org_id``."""
    if isinstance(instance, TenantMixin):
        inspect(instance).info[VERIFIED_ORG] = instance.org_id


def guard_flush(session, flush_context, instances) -> None:
    """``before_flush`` listener."""
    if sees_all_organizations():
        return
    org_id = current_org_id()
    for obj in session.new:
        if isinstance(obj, TenantMixin):
            _stamp_new(session, obj, org_id)
    unverified = defaultdict(list)
    changed = [o for o in session.dirty if session.is_modified(o)] + list(session.deleted)
    for obj in changed:
        if not isinstance(obj, TenantMixin):
            continue
        state = inspect(obj)
        history = state.attrs.org_id.history
        name = type(obj).__name__
        if history.deleted and history.deleted[0] is not None:
            raise TenantScopeError(f"cannot move {name} to another organization (org_id is fixed)")
        if org_id is not None and obj.org_id != org_id and sharing_of(type(obj)) is not None:
            _check_granted_change(session, obj, org_id)
            continue
        if org_id is None or obj.org_id != org_id:
            raise TenantScopeError(f"cannot change {name} of another organization")
        if state.info.get(VERIFIED_ORG) != org_id:
            unverified[state.mapper].append(obj)
    for mapper, objects in unverified.items():
        _check_rows_in_scope(session, mapper, objects)


def guard_foreign_keys(session, flush_context) -> None:
    """``after_flush`` listener: new or re-pointed foreign keys stay inside one organization.

    Runs after the statements (every key is known then) and before commit, so a refusal rolls
    the whole flush back.
    """
    pending = defaultdict(set)  # (parent mapper, child org) -> parent keys to check
    flushed = [o for o in session.new if isinstance(o, TenantMixin)]
    flushed += [o for o in session.dirty if isinstance(o, TenantMixin) and session.is_modified(o)]
    stored_now = {(type(o), _pk(o)): o.org_id for o in session.new if isinstance(o, TenantMixin)}
    for obj in flushed:
        state = inspect(obj)
        for attr, parent in _tenant_foreign_keys(state.mapper):
            value = state.dict.get(attr)
            if value is None or (obj not in session.new and not state.attrs[attr].history.has_changes()):
                continue
            if _known_in_org(session, parent, value, obj.org_id, stored_now):
                continue
            pending[(parent, obj.org_id)].add(value)
    for (parent, child_org), keys in pending.items():
        pk = _attribute(parent, parent.primary_key[0])
        rows = dict(session.execute(select(pk, parent.class_.org_id).where(pk.in_(keys))).all())
        for key in keys:
            if rows.get(key) != child_org:
                raise TenantScopeError(
                    f"a row of organization {child_org} cannot refer to {parent.class_.__name__} "
                    f"{key}, which is not a row of that organization")


def _stamp_new(session, obj, org_id: int | None) -> None:
    """A new row is the current organization's, or, when a writable grant covers the shared
    record it belongs to, the record owner's (a site enters subjects into the sponsor's study)."""
    if org_id is None:
        if obj.org_id is None:
            raise TenantScopeError(f"cannot insert {type(obj).__name__}: no organization in scope")
        raise TenantScopeError(f"cannot insert {type(obj).__name__} into another organization")
    if obj.org_id == org_id:
        return
    owner = granting_owner(session, obj, org_id)
    if obj.org_id is None:
        obj.org_id = owner if owner is not None else org_id
    elif obj.org_id != owner:
        raise TenantScopeError(f"cannot insert {type(obj).__name__} into another organization")


def _check_granted_change(session, obj, org_id: int) -> None:
    """Another organization's shared row: a writable grant must cover it as stored and as changed."""
    mapper = inspect(obj).mapper
    stored = session.execute(
        select(grant_clause(mapper.class_, org_id, write=True))
        .select_from(mapper.class_).where(*_pk_match(mapper, obj))).scalar()
    if not stored or (obj not in session.deleted and granting_owner(session, obj, org_id) != obj.org_id):
        raise TenantScopeError(f"cannot change {mapper.class_.__name__} of another organization: "
                               "no writable grant covers it")


def _pk_match(mapper, obj) -> list:
    key = mapper.primary_key_from_instance(obj)
    return [_attribute(mapper, column) == value for column, value in zip(mapper.primary_key, key)]


def _check_rows_in_scope(session, mapper, objects) -> None:
    """One scoped query per model: every row about to change must be visible in this scope."""
    keys = [mapper.primary_key_from_instance(o) for o in objects]
    columns = [_attribute(mapper, c) for c in mapper.primary_key]
    if len(columns) == 1:
        found = set(session.scalars(select(columns[0]).where(columns[0].in_([k[0] for k in keys]))))
        found = {(k,) for k in found}
    else:
        found = set(session.execute(select(*columns).where(tuple_(*columns).in_(keys))).all())
    for obj, key in zip(objects, keys):
        if tuple(key) not in {tuple(f) for f in found}:
            raise TenantScopeError(
                f"cannot change {mapper.class_.__name__} {key[0] if len(key) == 1 else key}: "
                "no such row in this organization")


def _attribute(mapper, column):
    return mapper.get_property_by_column(column).class_attribute


def _tenant_foreign_keys(mapper):
    """(attribute key, parent mapper) for each single-column foreign key to a tenant table."""
    tables = tenant_tables()
    for fk in mapper.local_table.foreign_keys:
        target = fk.column.table
        if target.name in tables and fk.parent.key != "org_id":
            parent = tenant_mapper_for(target)
            if parent is not None and len(parent.primary_key) == 1:
                yield mapper.get_property_by_column(fk.parent).key, parent


def _pk(obj):
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return key[0] if len(key) == 1 else tuple(key)


def _known_in_org(session, parent, value, org_id, stored_now) -> bool:
    """Whether the parent row is in the identity map, verified as a row of ``org_id``."""
    if (parent.class_, value) in stored_now:
        return stored_now[(parent.class_, value)] == org_id
    found = session.identity_map.get(parent.identity_key_from_primary_key((value,)))
    return found is not None and inspect(found).info.get(VERIFIED_ORG) == org_id == found.org_id
