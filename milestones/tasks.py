from celery import shared_task


@shared_task(name="milestones.generate_task_book", ignore_result=True)
def generate_task_book(*, project_id: int) -> None:
    """Thin task: render a project's task book (任务书)."""
    from .services import task_book_render

    task_book_render(project_id=project_id)


@shared_task(name="milestones.generate_conclusion", ignore_result=True)
def generate_conclusion(*, acceptance_id: int) -> None:
    """Thin task: render the acceptance conclusion (验收结论) of a recorded inspection."""
    from .services import conclusion_render

    conclusion_render(acceptance_id=acceptance_id)
