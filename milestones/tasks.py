from celery import shared_task

from jobs.retrying import RETRYING, run_with_retries

from .pdfs import conclusion_render, task_book_render


@shared_task(name="milestones.generate_task_book", bind=True, **RETRYING)
def generate_task_book(self, *, project_id: int) -> None:
    """Thin task: render a project's task book (任务书); a passing error is tried again a few times."""
    run_with_retries(self, task_book_render, project_id=project_id)


@shared_task(name="milestones.generate_conclusion", bind=True, **RETRYING)
def generate_conclusion(self, *, acceptance_id: int) -> None:
    """Thin task: render the acceptance conclusion (验收结论) of a recorded inspection, tried again likewise."""
    run_with_retries(self, conclusion_render, acceptance_id=acceptance_id)
