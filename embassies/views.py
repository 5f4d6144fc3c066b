from django.http import HttpResponse


def country_list(request):  # placeholder until the directory pages land
    return HttpResponse("")
