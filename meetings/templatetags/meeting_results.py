"""``{{ result|result_sentence }}``: a poll's result sentence in the reader's language."""

from django import template

from meetings.services.results import result_sentence_for_reader

register = template.Library()
register.filter("result_sentence", result_sentence_for_reader)
