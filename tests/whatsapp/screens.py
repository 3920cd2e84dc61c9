"""Every screen of every feature, built from the real course with realistic data.

The views and keyboard builders are called as the handlers call them, so a new label or a
longer translation that WhatsApp cannot show fails a test instead of a send. Names typed by
people carry WhatsApp's marker characters on purpose.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.actions.consultations import KStance
from bot.content import Course, Module
from bot.content.consultations import collect_consultations
from bot.db.repositories.accounts import AccountRecord
from bot.db.repositories.certificates import CertificateRecord
from bot.db.repositories.cohorts import BestScore, CohortRecord, InvitationRecord, MissedQuestion
from bot.db.repositories.consultations import ConsultationAnswerRecord, ConsultationRecord
from bot.db.repositories.faq import DraftRecord, QuestionRecord
from bot.db.repositories.reminders import ReminderRecord
from bot.db.repositories.users import UserRecord
from bot.i18n import Translator
from bot.keyboards import account as account_kb
from bot.keyboards import consultations as consult_kb
from bot.keyboards import faq as faq_kb
from bot.keyboards import glossary as glossary_kb
from bot.keyboards import lessons as lessons_kb
from bot.keyboards import menu as menu_kb
from bot.keyboards import onboarding as onboarding_kb
from bot.keyboards import quizzes as quizzes_kb
from bot.keyboards import reminders as reminders_kb
from bot.keyboards import trainers as trainers_kb
from bot.screens import Keyboard
from bot.services import faq as faq_service
from bot.services import glossary as glossary_service
from bot.services.cohorts import (
    CohortCard,
    CohortProgress,
    MemberProgress,
    Missed,
    ModuleStanding,
    Offer,
    TrainerEntry,
)
from bot.services.consultations import (
    ConsultationPrivacy,
    Loaded,
    MyAnswer,
    Notice,
    Receipt,
    SectionCounts,
)
from bot.services.learners import PrivacyReport
from bot.services.lessons import ModuleFinished, ModuleProgress
from bot.services.quizzes import Answered, ScoreCard
from bot.services.reminders import ReminderSettings
from bot.services.schedule import ReminderTime
from bot.services.zones import country_zones
from bot.views import (
    account,
    consultations,
    faq,
    glossary,
    lessons,
    menu,
    onboarding,
    quizzes,
    reminders,
    trainers,
)

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
# Typed by people: marker characters that must not turn into WhatsApp formatting.
NAME = "Ana *Maria da_Silva _Jo"  # unpaired on purpose: a pair would go unseen
COHORT_NAME = "Boké *women group_2 ~"


@dataclass(frozen=True, slots=True)
class Shown:
    """One screen: where it comes from, its text in our markup and its choices."""

    name: str
    text: str
    choices: Keyboard | None


def all_screens(course: Course, content: Path, language: str, t: Translator) -> Iterator[Shown]:
    yield from _onboarding_and_menu(course, language, t)
    yield from _lessons(course, language, t)
    yield from _glossary(course, language, t)
    yield from _faq(course, language, t)
    yield from _quizzes(course, language, t)
    yield from _reminders(language, t)
    yield from _consultations(content, language, t)
    yield from _trainers(course, language, t)
    yield from _privacy(language, t)


def _onboarding_and_menu(course: Course, language: str, t: Translator) -> Iterator[Shown]:
    picker = onboarding_kb.language_keyboard(course.languages, language)
    yield Shown("language picker", onboarding.render_language_prompt(t), picker)
    yield Shown("welcome", onboarding.render_welcome(t), onboarding_kb.welcome_keyboard(t))
    for trainer in (False, True):
        yield Shown(
            f"main menu trainer={trainer}",
            menu.render_menu(t),
            menu_kb.menu_keyboard(t, trainer=trainer),
        )
    yield Shown("help", menu.render_help(t), menu_kb.back_to_menu_keyboard(t))
    yield Shown("settings", menu.render_settings(t), menu_kb.settings_keyboard(t))
    yield Shown("not understood", menu.render_not_understood(t), menu_kb.back_to_menu_keyboard(t))


def _lessons(course: Course, language: str, t: Translator) -> Iterator[Shown]:
    modules = course.modules_in(language)
    progress = [
        ModuleProgress(m, i % (len(m.card_ids) + 1), len(m.card_ids))
        for i, m in enumerate(modules)
    ]
    yield Shown("modules", lessons.render_modules(t), lessons_kb.modules_keyboard(t, progress))
    yield Shown("progress", lessons.render_progress(t, progress), lessons_kb.progress_keyboard(t))
    for module in modules:
        for card_id in module.card_ids:
            place = course.place(language, card_id)
            assert place is not None
            yield Shown(
                f"card {card_id}",
                lessons.render_card(t, place),
                lessons_kb.card_keyboard(t, place),
            )
            yield Shown(
                f"reminder {card_id}",
                reminders.render_reminder(t, place),
                reminders_kb.reminder_keyboard(t),
            )
        finished = ModuleFinished(module, course.next_module(module.id))
        yield Shown(
            f"module {module.id} finished",
            lessons.render_module_finished(t, finished),
            lessons_kb.finished_keyboard(t, finished),
        )


def _glossary(course: Course, language: str, t: Translator) -> Iterator[Shown]:
    number = 0
    while (page := glossary_service.page(course, language, number)) is not None:
        yield Shown(
            f"glossary page {number}",
            glossary.render_glossary_page(t, page),
            glossary_kb.glossary_page_keyboard(t, page),
        )
        number += 1
    assert number > 0
    for term in course.terms(language):
        back = glossary_service.page_of(course, language, term.id)
        yield Shown(
            f"term {term.id}", glossary.render_term(term), glossary_kb.term_keyboard(t, back)
        )
    yield Shown("term not found", glossary.render_not_found(t, NAME), None)


def _faq(course: Course, language: str, t: Translator) -> Iterator[Shown]:
    book = faq_service.faq_for(course, language)
    for draft in (False, True):
        yield Shown(
            f"faq home draft={draft}",
            faq.render_faq_home(t),
            faq_kb.faq_home_keyboard(t, book, draft),
        )
    for group in book.groups:
        number, pages = 0, 1
        while number < pages:
            page = faq_service.group_page(course, language, group.id, number)
            pages = page.pages
            yield Shown(
                f"faq group {group.id} page {number}",
                faq.render_group(t, page),
                faq_kb.group_keyboard(t, page),
            )
            number += 1
    ids = [entry.id for entry in book.entries]
    for entry in book.entries:
        safety = faq_service.safety_first(course, language, entry.question)
        yield Shown(
            f"faq answer {entry.id}",
            faq.render_answer(t, entry, safety),
            faq_kb.answer_keyboard(t, book, entry, ids[:3]),
        )
    yield Shown("faq not sure", faq.render_not_sure(t), faq_kb.not_sure_keyboard(t, book, ids[:4]))
    yield Shown("faq ask", faq.render_ask_prompt(t), faq_kb.cancel_keyboard(t))
    question = QuestionRecord(7, 1, language, NAME, "open", None, ids[0], 0.4, NOW, NOW)
    questions = [dataclasses.replace(question, id=n) for n in range(1, 13)]
    yield Shown(
        "faq question sent",
        faq.render_question_sent(t, question, 2),
        faq_kb.rated_keyboard(t, helpful=False),
    )
    yield Shown(
        "faq staff question",
        faq.render_staff_question(t, question, book),
        faq_kb.staff_question_keyboard(t, question),
    )
    yield Shown(
        "faq reply to learner",
        faq.render_reply_to_learner(t, question, NAME),
        faq_kb.answer_back_keyboard(t, question),
    )
    yield Shown(
        "faq open questions",
        faq.render_questions(t, questions, 12, language, {}, {q.id for q in questions}),
        faq_kb.questions_keyboard(t, questions),
    )
    yield Shown("complaint guide", faq.render_guide_intro(t), faq_kb.guide_step_keyboard(t, False))
    for step, name in enumerate(faq_service.GUIDE_STEPS):
        yield Shown(
            f"complaint step {step}",
            faq.render_guide_step(t, step),
            faq_kb.guide_step_keyboard(t, name == "anonymous"),
        )
    answers = dict.fromkeys(faq_service.GUIDE_STEPS, NAME)
    summary = faq.compose_summary(t, answers)
    yield Shown("complaint summary", faq.render_summary(t, summary), faq_kb.summary_keyboard(t))
    saved = DraftRecord(summary, NOW)
    yield Shown("complaint draft", faq.render_draft(t, saved, language), faq_kb.draft_keyboard(t))


def _quizzes(course: Course, language: str, t: Translator) -> Iterator[Shown]:
    modules = course.modules_in(language)
    results: list[tuple[Module, tuple[int, int] | None]] = [
        (m, (i % 6, 5) if i % 2 else None) for i, m in enumerate(modules)
    ]
    yield Shown(
        "quizzes", quizzes.render_quizzes(t, results), quizzes_kb.quizzes_keyboard(t, results)
    )
    for module in modules:
        yield Shown(f"quiz intro {module.id}", quizzes.render_quiz_intro(t, module, 5), None)
        for question in course.questions(language, module.id):
            for correct in (True, False):
                answered = Answered(correct, question, ScoreCard(module, 0, 5, False, (), False))
                yield Shown(
                    f"answer {question.id} correct={correct}",
                    quizzes.render_answer(t, answered),
                    None,
                )
        for passed in (False, True):
            card = ScoreCard(
                module,
                5 if passed else 2,
                5,
                passed,
                () if passed else module.lessons,
                passed and module is modules[-1],
            )
            yield Shown(
                f"score {module.id} passed={passed}",
                quizzes.render_score(t, card),
                quizzes_kb.score_keyboard(t, card),
            )
    yield Shown(
        "certificate name",
        quizzes.render_name_confirm(t, NAME),
        quizzes_kb.confirm_name_keyboard(t),
    )


def _reminders(language: str, t: Translator) -> Iterator[Shown]:
    settings = ReminderSettings(
        True, ReminderTime(frozenset({0, 2, 4}), 18), "Africa/Conakry", NOW
    )
    yield Shown(
        "reminder question",
        reminders.render_reminder_question(t),
        reminders_kb.reminder_question_keyboard(t),
    )
    for enabled in (True, False):
        shown = ReminderSettings(enabled, settings.when, settings.zone, settings.next_due_at)
        yield Shown(
            f"reminders enabled={enabled}",
            reminders.render_reminders(t, shown, language, NOW),
            reminders_kb.reminders_keyboard(t, shown),
        )
    yield Shown(
        "reminder days",
        reminders.render_days_prompt(t),
        reminders_kb.days_keyboard(t, settings.when.days, language),
    )
    yield Shown(
        "reminder time", reminders.render_time_prompt(t), reminders_kb.time_keyboard(t, 18)
    )
    yield Shown(
        "reminder hours", reminders.render_time_prompt(t), reminders_kb.hours_keyboard(t, 7)
    )
    yield Shown(
        "reminder zone",
        reminders.render_zone_prompt(t, settings, language, NOW),
        reminders_kb.zone_keyboard(t, settings, language),
    )
    zones = country_zones("AU")  # the most zones of our countries' neighbours
    assert zones is not None and len(zones) > 3
    yield Shown(
        "reminder zones of Australia",
        reminders.render_city_choices(t, NAME),
        reminders_kb.zones_keyboard(t, zones, zones[0], language),
    )


def _consultation(content: Path) -> Loaded:
    specs, problems = collect_consultations(content)
    assert specs and not problems
    spec = next(iter(specs.values()))
    record = ConsultationRecord(
        3,
        spec.id,
        spec.as_data(),
        "open",
        NOW - timedelta(days=2),
        NOW + timedelta(days=20),
        NOW - timedelta(days=2),
        None,
        None,
    )
    return Loaded(record, spec)


def _consultations(content: Path, language: str, t: Translator) -> Iterator[Shown]:
    loaded = _consultation(content)
    for subscribed in (False, True):
        yield Shown(
            f"consultations subscribed={subscribed}",
            consultations.render_list(t, [loaded], language, subscribed),
            consult_kb.list_keyboard(t, [loaded], language, subscribed),
        )
    yield Shown(
        "consultation",
        consultations.render_consultation(t, loaded, language),
        consult_kb.consultation_keyboard(t, loaded, language),
    )
    for index, _ in enumerate(loaded.spec.text(language).sections):
        yield Shown(
            f"consultation section {index}",
            consultations.render_section(t, loaded, index, language),
            consult_kb.section_keyboard(t, loaded.id, index),
        )
    yield Shown(
        "consultation identity",
        consultations.render_identity(t),
        consult_kb.identity_keyboard(t, KStance(loaded.id, 0, "c")),
    )
    yield Shown(
        "consultation ask",
        consultations.render_ask_answer(t, True, 16),
        consult_kb.cancel_keyboard(t),
    )
    for anonymous in (True, False):
        receipt = Receipt("C3-0042", anonymous, loaded.record.closes_at)
        yield Shown(
            f"consultation receipt anonymous={anonymous}",
            consultations.render_receipt(t, receipt, language),
            consult_kb.receipt_keyboard(t, loaded.id, anonymous),
        )
    answer = ConsultationAnswerRecord(
        loaded.id, 42, 0, "concern", "text", NAME, "whatsapp", None, False, None, None, None,
        None, language, date(2026, 11, 30), 1, NAME,
    )  # fmt: skip
    mine = MyAnswer(loaded, answer)
    many = [MyAnswer(loaded, dataclasses.replace(answer, number=n)) for n in range(1, 13)]
    yield Shown(
        "my answers",
        consultations.render_mine(t, many, language),
        consult_kb.mine_keyboard(t, many),
    )
    yield Shown(
        "my answer",
        consultations.render_answer(t, mine, language, NOW),
        consult_kb.answer_keyboard(t, mine, True),
    )
    yield Shown(
        "withdraw",
        consultations.render_withdraw_confirm(t, mine.reference),
        consult_kb.withdraw_keyboard(t, loaded.id, 42),
    )
    for kind in Notice:
        yield Shown(
            f"consultation notice {kind}",
            consultations.render_notice(t, kind, loaded, language),
            consult_kb.notice_keyboard(t, loaded.id, kind in (Notice.OPEN, Notice.CLOSING)),
        )
    counts = [
        SectionCounts(s.clause, s.title, {"agree": 3, "concern": 1, "suggestion": 2})
        for s in loaded.spec.text("en").sections
    ]
    yield Shown(
        "consultation admin",
        consultations.render_admin_view(t, loaded, counts, 2),
        consult_kb.admin_view_keyboard(t, loaded, False),
    )


def _cohort(number: int, language: str) -> CohortRecord:
    return CohortRecord(number, 1, f"{COHORT_NAME} {number}", language, "Kamsar", NOW, 14)


def _trainers(course: Course, language: str, t: Translator) -> Iterator[Shown]:
    modules = course.modules_in(language)
    for count in (0, 2, 12):
        cohorts = [_cohort(n, language) for n in range(1, count + 1)]
        yield Shown(
            f"trainer menu {count} cohorts",
            trainers.render_trainer_menu(t, cohorts),
            trainers_kb.trainer_menu_keyboard(t, cohorts),
        )
        yield Shown(
            f"my cohorts {count}",
            trainers.render_my_cohorts(t, cohorts),
            trainers_kb.my_cohorts_keyboard(t, cohorts),
        )
    cohort = _cohort(5, language)
    card = CohortCard(cohort, "K7Q2M9XA", NOW + timedelta(days=14))
    links = [
        trainers.InviteLink("WhatsApp", "https://wa.me/15550001111?text=K7Q2M9XAb-c_d3fG"),
        trainers.InviteLink("Telegram", "https://t.me/asi_learning_bot?start=K7Q2M9XAb-c_d3fG"),
    ]
    yield Shown(
        "cohort card",
        trainers.render_cohort_card(t, card, links, language),
        trainers_kb.cohort_keyboard(t, cohort.id),
    )
    yield Shown(
        "cohort pack",
        trainers.render_pack_prompt(t, cohort),
        trainers_kb.pack_keyboard(t, cohort.id, modules),
    )
    yield Shown(
        "new cohort language",
        trainers.render_new_cohort_language(t),
        trainers_kb.cohort_language_keyboard(t, course.languages),
    )
    yield Shown(
        "new cohort place", trainers.render_new_cohort_place(t), trainers_kb.skip_place_keyboard(t)
    )
    invitation = InvitationRecord("K7Q2M9XA", "cohort", cohort.id, 1, NOW, None, None, None, None)
    for trainer in (False, True):
        yield Shown(
            f"offer trainer={trainer}",
            trainers.render_offer(t, Offer(invitation, cohort), NAME),
            trainers_kb.offer_keyboard(t, invitation.code, trainer=trainer),
        )
    yield Shown(
        "joined",
        trainers.render_joined(t, cohort, True),
        trainers_kb.joined_keyboard(t, cohort.id),
    )
    standings = tuple(
        ModuleStanding(m.id, 3, len(m.card_ids), BestScore(4, 5, True)) for m in modules
    )
    members = tuple(MemberProgress(f"{NAME} {n}", NOW, NOW, standings) for n in range(30))
    yield Shown(
        "cohort progress",
        trainers.render_progress(t, CohortProgress(cohort, modules, members), language),
        trainers_kb.back_to_cohort_keyboard(t, cohort.id),
    )
    bank = course.quizzes[language]
    missed = [Missed(MissedQuestion(q.id, q.module_id, 3, 10), q) for q in bank[:10]]
    yield Shown(
        "most missed",
        trainers.render_most_missed(t, cohort, missed, modules),
        trainers_kb.back_to_cohort_keyboard(t, cohort.id),
    )
    entries = [TrainerEntry(n, f"{NAME} {n}", n) for n in range(12)]
    yield Shown(
        "trainers", trainers.render_trainers(t, entries), trainers_kb.trainers_keyboard(t, entries)
    )


def _privacy(language: str, t: Translator) -> Iterator[Shown]:
    user = UserRecord(1, language, "Africa/Conakry", "trainer", NOW, NOW, NOW, False)
    report = PrivacyReport(
        user=user,
        accounts=[AccountRecord(1, "whatsapp", "224600000000", "224600000000")],
        cards_seen=31,
        events=120,
        reminder=ReminderRecord(1, True, 0b0010101, 18, NOW, None, NOW),
        reminders_logged=9,
        consultations=ConsultationPrivacy(True, 1, 1, 3),
        quiz_attempts=4,
        quiz_answers=20,
        certificate=CertificateRecord("K7Q2M9XA", 1, NAME, language, {"m": (5, 5)}, NOW, None),
        cohorts_joined=1,
        cohorts_run=2,
        announcements_received=3,
        questions_asked=2,
        answer_ratings=1,
        messages_written=4,
        draft=DraftRecord(NAME, NOW),
    )
    yield Shown(
        "privacy",
        account.render_privacy(t, report, language),
        menu_kb.back_to_menu_keyboard(t),
    )
    stopped = dataclasses.replace(report, user=dataclasses.replace(user, opted_out_at=NOW))
    yield Shown(
        "privacy opted out",
        account.render_privacy(t, stopped, language),
        menu_kb.back_to_menu_keyboard(t),
    )
    yield Shown("delete", account.render_delete_confirm(t), account_kb.delete_keyboard(t))
    yield Shown("deleted", account.render_deleted(t), None)
    yield Shown("opted out", account.render_opted_out(t), menu_kb.back_to_menu_keyboard(t))
    yield Shown("opted in", account.render_opted_in(t), None)
