from django.urls import URLPattern, path

from gallery import downloads, views

app_name = "gallery"

urlpatterns: list[URLPattern] = [
    path("gallery/", views.gallery_index, name="index"),
    path("likes/", views.my_likes, name="my_likes"),
    path("photos/<int:pk>/", views.image_detail, name="image"),
    path("photos/<int:pk>/viewer/", views.image_viewer, name="viewer"),
    path("photos/<int:pk>/download/<slug:kind>/", downloads.download, name="download"),
    path("photos/<int:pk>/like/", views.like, name="like"),
    path("photos/<int:pk>/tags/", views.add_tag, name="add_tag"),
    path("tags/<int:pk>/remove/", views.remove_tag, name="remove_tag"),
    path("photos/<int:pk>/suggestions/<int:tag_id>/", views.answer_suggestion, name="answer_suggestion"),
    path("tags/", views.tags_index, name="tags"),
    path("gallery/tags.json", views.tag_suggest, name="tag_suggest"),
    path("tags/<str:name>/", views.tag_page, name="tag"),
    path("authors/<path:name>/", views.author_page, name="author"),
]
