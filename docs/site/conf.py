# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx settings for the ocitools.runc docs site (`make docs`): the rst antsibull-docs renders from the
collection, built offline with -W. Labels of pages outside this site (ansible-core's docs, other
collections) have no inventory offline, so they resolve to their docs.ansible.com address here."""

from __future__ import annotations

import re
import typing as t

from docutils import nodes

project = 'ocitools.runc'
copyright = 'ocitools contributors'  # pylint: disable=redefined-builtin
title = 'ocitools.runc'
html_short_title = 'ocitools.runc'

extensions = ['sphinx_antsibull_ext']

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
html_theme_options = {'display_version': False, 'show_rtd_ethical_ads': False}

default_role = 'any'
nitpicky = True

ANSIBLE_DOCS = 'https://docs.ansible.com/ansible/latest/'
# Labels of ansible-core's own docs that antsibull-docs links to, and their pages.
ANSIBLE_LABELS = {
    'ansible_configuration_settings': 'reference_appendices/config.html',
    'common_return_values': 'reference_appendices/common_return_values.html',
}
# ansible_collections.NS.NAME.PLUGIN_TYPE: a plugin page of another collection (or ansible.builtin).
PLUGIN_LABEL = re.compile(r'^ansible_collections\.(?P<ns>\w+)\.(?P<name>\w+)\.(?P<page>\w+_\w+)$')
THIS_COLLECTION = ('ocitools', 'runc')


def external_url(label: str) -> t.Optional[str]:
    """docs.ansible.com address of a label this site does not have; None for any other label."""
    if label in ANSIBLE_LABELS:
        return ANSIBLE_DOCS + ANSIBLE_LABELS[label]
    match = PLUGIN_LABEL.match(label)
    if match and (match.group('ns'), match.group('name')) != THIS_COLLECTION:
        return ANSIBLE_DOCS + 'collections/%s/%s/%s.html' % (match.group('ns'), match.group('name'), match.group('page'))
    return None


def resolve_external(app: t.Any, env: t.Any, node: t.Any, contnode: t.Any) -> t.Optional[nodes.reference]:
    if node.get('reftype') != 'ref':
        return None
    url = external_url(node.get('reftarget', ''))
    if url is None:
        return None  # a label of this collection that does not exist stays a warning (and fails -W)
    reference = nodes.reference('', '', internal=False, refuri=url)
    reference.append(contnode)
    return reference


def setup(app: t.Any) -> t.Dict[str, t.Any]:
    app.connect('missing-reference', resolve_external)
    return {'parallel_read_safe': True}
