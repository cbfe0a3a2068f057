# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_image's work: resolve the reference, plan, pull and unpack into the store, prune.

Changes happen under the store's lock. A pull works in ``STORE/tmp`` and renames the
finished layout and rootfs into place, so a failure (unknown tag, refused credentials,
a corrupt layer) leaves nothing behind. Check mode may ask the source (read only) but
takes no lock and writes nothing.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.lock import ContainerLock, LockTimeoutError
from ansible_collections.ocitools.runc.plugins.module_utils._image.auth import auth_file
from ansible_collections.ocitools.runc.plugins.module_utils._image.commands import (
    Access,
    Output,
    Platform,
    Tools,
    copy_to_layout,
    inspect_raw,
    run,
    unpack_rootfs,
)
from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.parsers import hint_for, manifest_digest, tool_message
from ansible_collections.ocitools.runc.plugins.module_utils._image.planner import (
    LINK,
    NOTHING,
    REMOVE,
    needs_resolve,
    plan,
    prunable,
)
from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import (
    ImageReference,
    at_digest,
    parse_reference,
    registry_host,
)
from ansible_collections.ocitools.runc.plugins.module_utils._image.store import (
    ImageStore,
    RefRecord,
    read_layout,
    remove_tree,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc

PRUNE = "prune"


@dataclasses.dataclass(frozen=True)
class ImageParams:
    reference: t.Optional[ImageReference]
    state: str
    store: str
    platform: Platform = Platform()
    tls_verify: bool = True
    cert_dir: t.Optional[str] = None
    username: t.Optional[str] = None
    password: t.Optional[str] = None
    auth_file: t.Optional[str] = None
    prune: bool = False
    timeout: float = 600.0
    tools: Tools = Tools()

    @classmethod
    def from_options(cls, options: t.Mapping[str, t.Any], tools: Tools) -> "ImageParams":
        name = options.get("name")
        if not name and not options.get("prune"):
            raise ImageError("name: required unless prune=true; give an image reference such as docker://registry/app:1")
        store = options.get("store") or ""
        if not os.path.isabs(store):
            raise ImageError("store: %r is not an absolute path" % store)
        if (options.get("timeout") or 0) <= 0:
            raise ImageError("timeout: must be a positive number of seconds, got %s" % options.get("timeout"))
        auth = options.get("auth_file")
        if auth and not os.path.isfile(auth):
            raise ImageError("auth_file: %s does not exist; give a containers-auth.json file" % auth)
        cert_dir = options.get("cert_dir")
        if cert_dir and not os.path.isdir(cert_dir):
            raise ImageError("cert_dir: %s is not a directory; give one holding the registry's ca.crt" % cert_dir)
        platform = options.get("platform") or {}
        return cls(
            reference=parse_reference(name) if name else None, state=options.get("state") or "present",
            store=os.path.normpath(store),
            platform=Platform(platform.get("os") or "", platform.get("architecture") or "", platform.get("variant") or ""),
            tls_verify=options.get("tls_verify", True) is not False, cert_dir=cert_dir,
            username=options.get("username"), password=options.get("password"), auth_file=auth,
            prune=bool(options.get("prune")), timeout=float(options.get("timeout") or 600), tools=tools,
        )


class ImageManager:
    def __init__(self, params: ImageParams, containers_rootfs: t.Callable[[], t.List[str]],
                 check_mode: bool = False, diff: bool = False) -> None:
        self.params = params
        self.store = ImageStore(params.store)
        self.containers_rootfs = containers_rootfs
        self.check_mode = check_mode
        self.diff = diff
        self.warnings: t.List[str] = []

    def run(self) -> t.Dict[str, t.Any]:
        if self.check_mode:
            return self._converge()
        try:
            self.store.ensure()
            with ContainerLock(self.store.path, "store").held(self.params.timeout):
                self.store.clear_tmp()
                return self._converge()
        except LockTimeoutError:
            raise ImageError("store: %s stayed locked by another task for %.0f seconds" % (self.store.path, self.params.timeout))
        except OSError as exc:
            raise ImageError("store: %s: %s; check the directory, its permissions and free space" % (self.store.path, exc))

    # -- planning -------------------------------------------------------------
    def _converge(self) -> t.Dict[str, t.Any]:
        reference = self.params.reference
        actions: t.List[str] = []
        before = after = None
        asked = resolved = None
        if reference is not None:
            before = self.store.read_ref(reference)
            have = bool(before and before.platform == self.params.platform.text and self.store.complete(before.manifest))
            if needs_resolve(self.params.state, bool(reference.pinned_digest), have):
                asked = self._resolve(reference)
            resolved = reference.pinned_digest or asked
            known = self._known(resolved)
            action = plan(self.params.state, have, before is not None, before.resolved if before else None, resolved, bool(known))
            after = self._act(action, reference, before, resolved, known) if not self.check_mode else None
            actions += [] if action == NOTHING else [action]
        pruned = self._prune() if self.params.prune else []
        actions += [PRUNE] if pruned else []
        return self._result(actions, before, after, resolved, asked, pruned)

    def _known(self, resolved: t.Optional[str]) -> t.Optional[str]:
        """The stored manifest for ``resolved`` (same platform), when some reference already brought it."""
        if not resolved:
            return None
        if self.store.complete(resolved):
            return resolved
        for record in self.store.records():
            if record.resolved == resolved and record.platform == self.params.platform.text and self.store.complete(record.manifest):
                return record.manifest
        return None

    def _access(self, auth: t.Optional[str]) -> Access:
        return Access(self.params.tls_verify, self.params.cert_dir, auth)

    def _auth(self, reference: ImageReference) -> t.ContextManager[t.Optional[str]]:
        return auth_file(registry_host(reference), self.params.username, self.params.password, self.params.auth_file)

    def _tool(self, argv: t.List[str], what: str, reference: ImageReference) -> Output:
        output = run(argv, self.params.timeout)
        if output.rc != 0:
            message = tool_message(output.stderr) or "exit status %d" % output.rc
            hint = hint_for(message)
            raise ImageError("name: %s %s failed: %s%s" % (what, reference.text, message, "; " + hint if hint else ""),
                             rc=output.rc)
        return output

    def _resolve(self, reference: ImageReference) -> str:
        with self._auth(reference) as auth:
            output = self._tool(inspect_raw(self.params.tools, reference, self._access(auth)), "resolving", reference)
        return manifest_digest(output.stdout)

    # -- acting -----------------------------------------------------------------
    def _act(self, action: str, reference: ImageReference, before: t.Optional[RefRecord],
             resolved: t.Optional[str], known: t.Optional[str]) -> t.Optional[RefRecord]:
        if action == NOTHING:
            return before
        if action == REMOVE:
            self.store.remove_ref(reference)
            if before is not None:
                self._drop_if_unused(before.manifest)
            return None
        manifest = known if action == LINK else self._pull(reference, resolved or "")
        record = RefRecord(reference.text, resolved or manifest or "", manifest or "", self.params.platform.text)
        self.store.write_ref(reference, record)
        return record

    def _pull(self, reference: ImageReference, resolved: str) -> str:
        work = self.store.work_dir()
        layout, rootfs = os.path.join(work, "layout"), os.path.join(work, "rootfs")
        source = at_digest(reference, resolved) if resolved else reference
        tools = self.params.tools
        try:
            with self._auth(reference) as auth:
                self._tool(copy_to_layout(tools, source, self._access(auth), self.params.platform, layout),
                           "pulling", reference)
            manifest, _config = read_layout(layout)
            if not self.store.complete(manifest):
                self._tool(unpack_rootfs(tools, layout, rootfs), "unpacking", reference)
            self.store.install(manifest, layout, rootfs)
            return manifest
        finally:
            remove_tree(work)

    def _in_use(self) -> t.Set[str]:
        """Digests whose rootfs a container (in the runc root) runs from."""
        used = {os.path.realpath(path) for path in self.containers_rootfs() if path}
        return {digest for digest in self.store.digests() if os.path.realpath(self.store.rootfs(digest)) in used}

    def _drop_if_unused(self, digest: str) -> None:
        if any(record.manifest == digest for record in self.store.records()):
            return
        if digest in self._in_use():
            self.warnings.append("image %s: its rootfs %s is kept while a container uses it; prune=true removes it later"
                                 % (digest, self.store.rootfs(digest)))
            return
        self.store.remove_digest(digest)

    def _prune(self) -> t.List[str]:
        referenced = [record.manifest for record in self.store.records()]
        doomed = prunable(self.store.digests(), referenced, self._in_use())
        if not self.check_mode:
            for digest in doomed:
                self.store.remove_digest(digest)
        return doomed

    # -- result -----------------------------------------------------------------
    def _describe(self, record: t.Optional[RefRecord]) -> t.Dict[str, t.Any]:
        if record is None or not self.store.complete(record.manifest):
            return {}
        config = self.store.config(record.manifest)
        return {
            "reference": record.reference, "digest": record.manifest, "resolved": record.resolved,
            "platform": record.platform or None, "rootfs": self.store.rootfs(record.manifest),
            "layout": self.store.layout(record.manifest), "os": config.get("os"),
            "architecture": config.get("architecture"), "config": config.get("config") or {},
        }

    def _result(self, actions: t.List[str], before: t.Optional[RefRecord], after: t.Optional[RefRecord],
                resolved: t.Optional[str], asked: t.Optional[str], pruned: t.List[str]) -> t.Dict[str, t.Any]:
        shown = before if self.check_mode else after
        result: t.Dict[str, t.Any] = {
            "changed": bool(actions), "actions": actions, "image": self._describe(shown), "pruned": pruned,
            "resolved": asked, "warnings": self.warnings,
        }
        if self.diff:
            wanted = None if self.params.state == "absent" else (after.manifest if after else resolved)
            result["diff"] = {"before": {"digest": before.manifest if before else None},
                              "after": {"digest": wanted if actions else (before.manifest if before else None)}}
        return result


def manage_image(options: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc], check_mode: bool,
                 diff: bool) -> t.Dict[str, t.Any]:
    """The module's one task: the result, or ImageError (its message names the option or the reference).

    skopeo and umoci are looked up on PATH; runc only when pruning needs the containers' rootfs paths.
    """
    tools = Tools(skopeo=shutil.which("skopeo") or "skopeo", umoci=shutil.which("umoci") or "umoci")
    params = ImageParams.from_options(options, tools)
    return ImageManager(params, lambda: [state.rootfs for state in make_runc().list()], check_mode, diff).run()
